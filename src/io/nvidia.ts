/** The files that tell a Jetson board apart where nvidia-smi is missing or reduced. */
import {readOptionalFile} from './files.js'

export interface JetsonFiles {
  model: string | null
  compatible: string | null
  tegraRelease: string | null
}

export async function readJetsonFiles(root = '/'): Promise<JetsonFiles> {
  const at = (p: string) => readOptionalFile(`${root.replace(/\/$/, '')}${p}`)
  const [model, modelFw, compatible, tegraRelease] = await Promise.all([
    at('/proc/device-tree/model'),
    at('/sys/firmware/devicetree/base/model'),
    at('/proc/device-tree/compatible'),
    at('/etc/nv_tegra_release'),
  ])
  return {compatible, model: model ?? modelFw, tegraRelease}
}
