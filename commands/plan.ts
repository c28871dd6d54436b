import {Flags} from '@oclif/core'

import {R1Command} from '../src/cli/base-command.js'
import {EXIT_CODE_HELP} from '../src/cli/exit-codes.js'
import {noHeadersFlag, planFlags, toPlanFlags} from '../src/cli/flags.js'
import {PLAN_COLUMNS_HELP} from '../src/cli/render/plan-help.js'
import {terminalWidth} from '../src/cli/style.js'
import {R1Error} from '../src/core/errors.js'
import {cliContext} from '../src/cli/run-context.js'
import {doesNotFit, LAYOUT_HELP, planDeps, planFromFlags, RECOMMENDATION_RULE, type PlanResult} from '../src/services/plan.js'

export default class Plan extends R1Command {
  static override summary = 'Plan a DeepSeek-R1 deployment: which model, checkpoint, engine and layout fit the GPUs, and the command to start it.'
  static override description = `Searches every R1-family checkpoint × engine (SGLang, vLLM) × parallel layout that is valid on the hardware, sizes each with the engines' own memory arithmetic, and recommends one.

The hardware is detected (nvidia-smi) unless described with --gpu/--count/--nodes, --gpu-memory, or --from-file.

RECOMMENDATION RULE
  ${RECOMMENDATION_RULE}

${LAYOUT_HELP}

${PLAN_COLUMNS_HELP}

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
    all: Flags.boolean({description: 'Show every candidate (best layout of each model × checkpoint × engine), those that do not fit too.'}),
    interactive: Flags.boolean({char: 'i', description: 'Pick among the plans that fit from a searchable list (the recommendation first).'}),
    'no-headers': noHeadersFlag,
    yes: Flags.boolean({char: 'y', description: 'Take the recommendation without asking (the default unless --interactive).'}),
    out: Flags.string({description: 'Write the plan to this file, for `r1 serve --plan FILE`.'}),
    force: Flags.boolean({description: 'With --out or --kubernetes: replace an existing file.'}),
    kubernetes: Flags.string({description: 'Write the Kubernetes objects of the plan to this YAML file (disaggregated: a LeaderWorkerSet per role, Services, the router Deployment).'}),
  }

  async run(): Promise<PlanResult> {
    const {flags} = await this.parse(Plan)
    const deps = planDeps(cliContext(flags.verbose), flags.profiles)
    if (flags.interactive && !flags.yes) {
      if (!this.interactive) throw new R1Error('R1_PROMPT_NEEDS_TTY', '--interactive needs a terminal (stdout is not one, CI is set, or --json is on)', {suggestions: ['Drop --interactive: r1 plan prints the recommendation and the best plan of each model.']})
      const {pickPlan} = await import('../src/cli/prompts.js')
      deps.choose = (choices, index) => pickPlan(choices, index)
    }

    const {kubernetesWritten, result, warnings, written} = await planFromFlags(deps, {...toPlanFlags(flags), candidateCommands: this.jsonEnabled(), force: flags.force, kubernetes: flags.kubernetes, out: flags.out, yes: flags.yes})
    this.addWarnings(warnings)
    if (!this.jsonEnabled()) {
      const {renderPlan} = await import('../src/cli/render/plan.js')
      this.log(renderPlan(result, {all: flags.all, c: this.out, headers: !flags['no-headers'], tty: Boolean(process.stdout.isTTY), width: terminalWidth()}))
    }

    if (!result.plan.fits) throw doesNotFit(result, flags.out, toPlanFlags(flags))
    if (written) this.note(`Plan written to ${written}: start it with r1 serve --plan ${flags.out}`)
    if (kubernetesWritten) this.note(`Kubernetes objects written to ${kubernetesWritten}: kubectl apply -f ${flags.kubernetes}`)
    return result
  }
}
