/**
 * The parallel layouts worth trying for one model on one engine (see search.ts for the layout convention),
 * and the GPUs a layout occupies. Pure.
 */
import type {EngineProfile, ModelProfile} from '../../profiles/catalog.js'
import type {Layout} from '../plan.schema.js'
import type {Hardware} from '../types.js'

export interface LayoutPins {
  tensorParallel?: number
  pipelineParallel?: number
  dataParallel?: number
  expertParallel?: number
}

const MAX_TP_PER_NODE = 8

/** GPUs a layout occupies (see search.ts). */
export function layoutGpus(engine: EngineProfile['id'], layout: Layout): number {
  const dp = engine === 'sglang' && layout.dpAttention ? 1 : layout.dataParallel
  return layout.tensorParallel * layout.pipelineParallel * dp
}

/**
 * The layouts worth trying for one model on one engine: TP over the divisors of the GPUs of a
 * node (up to 8), across nodes as TP or TP × PP; DP attention and expert parallelism only for
 * the MoE model; DP replicas to fill the GPUs. Pinned values replace the enumerated ones.
 */
export function enumerateLayouts(model: ModelProfile, engine: EngineProfile['id'], hardware: Hardware, pins: LayoutPins): Layout[] {
  const perNode = hardware.gpusPerNode
  const nodes = hardware.nodes
  const total = perNode * nodes
  const moe = model.architecture.kind === 'mla-moe'
  const seen = new Set<string>()
  const out: Layout[] = []
  const add = (tp: number, pp: number, dp: number, ep: number, dpAttention: boolean) => {
    const layout = makeLayout(engine, perNode, tp, pp, dp, ep, dpAttention)
    if (!layout || layoutGpus(engine, layout) > total) return
    if (pins.tensorParallel !== undefined && layout.tensorParallel !== pins.tensorParallel) return
    if (pins.pipelineParallel !== undefined && layout.pipelineParallel !== pins.pipelineParallel) return
    if (pins.dataParallel !== undefined && layout.dataParallel !== pins.dataParallel) return
    if (pins.expertParallel !== undefined && layout.expertParallel !== pins.expertParallel) return
    const key = `${layout.tensorParallel}/${layout.pipelineParallel}/${layout.dataParallel}/${layout.expertParallel}/${layout.dpAttention}`
    if (seen.has(key)) return
    seen.add(key)
    out.push(layout)
  }

  const tps = divisors(perNode).filter((d) => d <= MAX_TP_PER_NODE)
  // One node (also on several nodes: a distill needs only one; the plan says so).
  for (const tp of tps) {
    const fill = Math.floor(perNode / tp)
    for (const dp of unique([1, fill])) {
      add(tp, 1, dp, 1, false)
      if (moe && tp > 1) add(tp, 1, dp, engine === 'vllm' ? tp * dp : tp, false)
    }
  }

  // Pipeline parallelism inside a node when tensor parallelism alone cannot use its GPUs: a node of
  // 3, 6 or 12 GPUs (TP must divide the attention heads) or of more than 8; also whenever --pp is pinned.
  // On several nodes the stages run on across them (TP 2 × PP 6 on 2 nodes of 6).
  const wantPp = !tpFillsNode(model, perNode) || pins.pipelineParallel !== undefined
  if (wantPp) {
    for (const tp of tps) {
      // A distill fits in one node: its stages stay there (as its TP does), unless pinned.
      for (const n of unique([1, moe || hasPins(pins) ? nodes : 1])) {
        const pp = (perNode / tp) * n
        if (pp <= 1) continue
        add(tp, pp, 1, 1, false)
        if (moe && tp > 1) add(tp, pp, 1, tp, false)
      }
    }
  }

  // Data-parallel attention with expert parallelism over one node: SGLang `--tp-size N --dp-size N
  // --enable-dp-attention --ep-size N`; vLLM `--data-parallel-size N --enable-expert-parallel`.
  if (moe && perNode > 1) {
    if (engine === 'sglang') add(perNode, 1, perNode, perNode, true)
    else add(1, 1, perNode, perNode, false)
  }

  if (nodes > 1) {
    // Across nodes: TP over all GPUs, or TP in the node and PP over the nodes. A distill fits in one
    // node, so it stays there (with vLLM, DP replicas can span the nodes).
    if (moe || hasPins(pins)) {
      add(total, 1, 1, 1, false)
      add(perNode, nodes, 1, 1, false)
    }

    if (moe) {
      add(total, 1, 1, total, false)
      if (engine === 'sglang') {
        add(total, 1, total, total, true)
        // SGLang's two-node example: `--tp 16 --dp 2 --enable-dp-attention`.
        add(total, 1, nodes, total, true)
      } else {
        add(1, 1, total, total, false)
      }
    } else if (engine === 'vllm') {
      // Dense models across nodes: TP inside the node, vLLM DP replicas over the nodes.
      for (const tp of tps) add(tp, 1, total / tp, 1, false)
    }
  }

  // Pinned values that the enumeration above did not produce: try them as asked.
  if (out.length === 0 && hasPins(pins)) {
    const pp = pins.pipelineParallel ?? 1
    const fill = Math.floor(total / pp / (pins.dataParallel ?? 1))
    const tp = pins.tensorParallel ?? Math.max(1, Math.min(fill, MAX_TP_PER_NODE))
    const dp = pins.dataParallel ?? 1
    const ep = pins.expertParallel ?? 1
    if (engine === 'sglang' && moe && dp > 1 && tp % dp === 0) add(tp, pp, dp, ep, true)
    if (out.length === 0) add(tp, pp, dp, ep, false)
  }

  return out
}

/** Whether TP over every GPU of a node is a valid split of the model's attention (and at most 8 wide). */
export function tpFillsNode(model: ModelProfile, perNode: number): boolean {
  if (perNode > MAX_TP_PER_NODE) return false
  const a = model.architecture
  if (a.numAttentionHeads % perNode !== 0) return false
  if (a.kind === 'gqa-dense') return a.numKeyValueHeads % perNode === 0 || perNode % a.numKeyValueHeads === 0
  return true
}

function makeLayout(engine: EngineProfile['id'], perNode: number, tp: number, pp: number, dp: number, ep: number, dpAttention: boolean): Layout | null {
  if (tp < 1 || pp < 1 || dp < 1 || ep < 1 || !Number.isInteger(dp)) return null
  const base: Layout = {dataParallel: dp, dpAttention, expertParallel: ep, gpusPerNode: 1, nodes: 1, pipelineParallel: pp, tensorParallel: tp}
  const gpus = layoutGpus(engine, base)
  if (gpus <= perNode) return {...base, gpusPerNode: gpus}
  if (gpus % perNode !== 0) return null
  return {...base, gpusPerNode: perNode, nodes: gpus / perNode}
}

export function hasPins(p: LayoutPins): boolean {
  return p.tensorParallel !== undefined || p.pipelineParallel !== undefined || p.dataParallel !== undefined || p.expertParallel !== undefined
}

export function divisors(n: number): number[] {
  const out: number[] = []
  for (let d = 1; d <= n; d++) if (n % d === 0) out.push(d)
  return out
}

export function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)]
}
