import { KubeConfig } from '@kubernetes/client-node';

/** The given kubeconfig file, else the in-cluster service account, else `KUBECONFIG` / `~/.kube/config`. */
export function loadKubeConfig(path: string | undefined): KubeConfig {
  const config = new KubeConfig();
  if (path) config.loadFromFile(path);
  else config.loadFromDefault();
  return config;
}
