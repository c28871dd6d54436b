import {z} from 'zod'

/** One entry of a fleet file: `count` GPUs per node, `nodes` nodes, an optional price per GPU-hour. */
export const FleetFileEntry = z
  .object({
    name: z.string().min(1).describe('shown in every row of the report, e.g. "prod-h200"'),
    gpu: z.string().min(1).describe('a GPU name, alias or catalog id: "H200", "a100-80gb", "RTX 4090"'),
    count: z.number().int().positive().describe('GPUs per node'),
    nodes: z.number().int().positive().default(1),
    pricePerGpuHour: z.number().nonnegative().nullable().optional().describe('US dollars per GPU-hour'),
  })
  .strict()
export type FleetFileEntry = z.infer<typeof FleetFileEntry>

/** The file `r1 report --fleet-file FILE` reads (YAML or JSON). */
export const FleetFile = z
  .object({
    fleet: z.array(FleetFileEntry).min(1),
  })
  .strict()
  .superRefine((file, ctx) => {
    const seen = new Set<string>()
    file.fleet.forEach((e, i) => {
      if (seen.has(e.name)) ctx.addIssue({code: 'custom', message: `duplicate name "${e.name}"`, path: ['fleet', i, 'name']})
      seen.add(e.name)
    })
  })
export type FleetFile = z.infer<typeof FleetFile>
