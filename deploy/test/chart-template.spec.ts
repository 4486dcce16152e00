import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { renderTemplate, type TemplateContext } from './chart-template.js';

const context: TemplateContext = {
  Values: { replicas: 2, image: { tag: '1.0' }, limit: 104857600.0, password: 'a"b' },
  Release: { Name: 'console', Namespace: 'ops' },
  Chart: { Name: 'mortise', Version: '0.1.0', AppVersion: '0.1.0' },
};

describe(renderTemplate.name, () => {
  it('substitutes values, release and chart fields, through quote and int', () => {
    assert.equal(
      renderTemplate(
        'n: {{ .Release.Name }}-{{ .Chart.Version }}\nr: {{ .Values.replicas }}\nt: {{ .Values.image.tag | quote }}\nl: {{ .Values.limit | int }}\np: {{- .Values.password | quote -}}\n\nend',
        context,
      ),
      'n: console-0.1.0\nr: 2\nt: "1.0"\nl: 104857600\np:"a\\"b"end',
    );
  });

  const refused = [
    '{{- if .Values.replicas }}x{{- end }}',
    '{{ include "mortise.labels" . }}',
    '{{ .Values.image | toYaml }}',
    '{{ .Values.replicas | default 1 }}',
    '{{ $x := 1 }}',
  ];
  for (const template of refused) {
    it(`refuses ${template}, which only helm could check`, () => {
      assert.throws(() => renderTemplate(template, context, 't.yaml'), /more than a plain substitution/);
    });
  }

  it('refuses a value that is missing or not a scalar, where helm would print <no value> or a Go map', () => {
    assert.throws(() => renderTemplate('{{ .Values.nope }}', context), /not a value/);
    assert.throws(() => renderTemplate('{{ .Values.image }}', context), /not a value/);
  });
});
