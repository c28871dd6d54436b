import {Flags} from '@oclif/core'

import {R1Command} from '../src/cli/base-command.js'
import {EXIT_CODE_HELP} from '../src/cli/exit-codes.js'
import {planFlags, toPlanFlags} from '../src/cli/flags.js'
import {cliContext} from '../src/cli/run-context.js'
import {doesNotFit, planDeps, planFromFlags, RECOMMENDATION_RULE, type PlanResult} from '../src/services/plan.js'

export default class Plan extends R1Command {
  static override summary = 'Plan a DeepSeek-R1 deployment: which model, checkpoint, engine and layout fit the GPUs, and the command to start it.'
  static override description = `Searches every R1-family checkpoint × engine (SGLang, vLLM) × parallel layout that is valid on the hardware, sizes each with the engines' own memory arithmetic, and recommends one.

The hardware is detected (nvidia-smi) unless described with --gpu/--count/--nodes, --gpu-memory, or --from-file.

RECOMMENDATION RULE
  ${RECOMMENDATION_RULE}

${EXIT_CODE_HELP}`

  static override examples = [
    '<%= config.bin %> plan --gpu H200 --count 8',
    '<%= config.bin %> plan --gpu h100-sxm --count 8 --nodes 2 --head-address 10.0.0.1 --json',
    '<%= config.bin %> plan --gpu "RTX 4090" --context 32768 --goal latency',
    '<%= config.bin %> plan --model deepseek-r1 --engine vllm --tp 8 --out plan.json',
    '<%= config.bin %> plan --gpu H100 --count 8 --nodes 13 --model deepseek-r1 --input-tokens 2000 --output-tokens 2000 --out pd.json --kubernetes pd.yaml',
  ]

  static override flags = {
    ...planFlags,
    yes: Flags.boolean({char: 'y', description: 'Take the recommendation without asking.'}),
    out: Flags.string({description: 'Write the plan to this file, for `r1 serve --plan FILE`.'}),
    force: Flags.boolean({description: 'With --out or --kubernetes: replace an existing file.'}),
    kubernetes: Flags.string({description: 'Write the Kubernetes objects of the plan to this YAML file (disaggregated: a LeaderWorkerSet per role, Services, the router Deployment).'}),
  }

  async run(): Promise<PlanResult> {
    const {flags} = await this.parse(Plan)
    const deps = planDeps(cliContext(flags.verbose), flags.profiles)
    if (this.interactive && !flags.yes && !flags.model) {
      const {selectOne} = await import('../src/cli/prompts.js')
      deps.choose = (choices, index) => selectOne('Which plan?', choices, index)
    }

    const {kubernetesWritten, result, warnings, written} = await planFromFlags(deps, {...toPlanFlags(flags), force: flags.force, kubernetes: flags.kubernetes, out: flags.out, yes: flags.yes})
    this.addWarnings(warnings)
    if (!this.jsonEnabled()) {
      const {renderPlan} = await import('../src/cli/render/plan.js')
      this.log(renderPlan(result, {c: this.out, tty: Boolean(process.stdout.isTTY)}))
    }

    if (!result.plan.fits) throw doesNotFit(result, flags.out)
    if (written) this.note(`Plan written to ${written}: start it with r1 serve --plan ${flags.out}`)
    if (kubernetesWritten) this.note(`Kubernetes objects written to ${kubernetesWritten}: kubectl apply -f ${flags.kubernetes}`)
    return result
  }
}
