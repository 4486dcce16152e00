/** Boundary rules: no cycles, and no reaching into another package's internals. */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Cycles hide a missing boundary; split the shared part out instead of using forwardRef.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-deep-cross-package-imports',
      severity: 'error',
      comment: "Packages talk through their index (@mortise/<name>), never through another package's src or dist.",
      from: { path: '^(apps|libs|extensions|bench)/([^/]+)/' },
      to: {
        path: '^(apps|libs|extensions)/([^/]+)/',
        pathNot: ['^$1/$2/'],
      },
    },
    {
      name: 'libs-do-not-import-apps',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)dist/|node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'types', 'default'] },
  },
};
