/** `nvidia-smi topo -m`: NV# between two GPUs means NVLink; PIX/PXB/PHB/NODE/SYS mean PCIe. */
export function parseTopology(text: string): 'nvlink' | 'pcie' | 'unknown' {
  const rows = text.split(/\r?\n/).filter((l) => /^\s*GPU\d+\s/.test(l))
  if (rows.length === 0) return 'unknown'
  let nvlink = false
  let pcie = false
  for (const row of rows) {
    const cells = row.trim().split(/\s+/).slice(1)
    for (const c of cells) {
      if (/^NV\d+$/.test(c)) nvlink = true
      else if (/^(PIX|PXB|PHB|NODE|SYS|SOC)$/.test(c)) pcie = true
    }
  }

  if (nvlink) return 'nvlink'
  return pcie ? 'pcie' : 'unknown'
}
