import {Flags} from '@oclif/core'

import {R1Command} from '../src/cli/base-command.js'
import {EXIT_CODE_HELP} from '../src/cli/exit-codes.js'
import {planFlags, toPlanFlags, wholeFlag} from '../src/cli/flags.js'
import {cliContext} from '../src/cli/run-context.js'
import {R1Error} from '../src/core/errors.js'
import type {ServeResult, StopResult} from '../src/core/serve/serve.schema.js'
import {LIMITS} from '../src/core/units.js'
import {serveFromFlags, stopFromFlags} from '../src/services/serve.js'

export default class Serve extends R1Command {
  static override summary = 'Start the planned server: preflight, launch, watch the engine come up, stop it cleanly.'
  static override description = `Takes a saved plan (--plan FILE, from r1 plan --out) or the flags of r1 plan (it plans first). Each preflight check prints one line; a failure refuses to start and says what to do. The engine runs in its own process group with its output prefixed on stderr; r1 reports when GET /health answers and /v1/models lists the model, then prints the endpoint and a curl example. Ctrl-C or SIGTERM stops the engine (SIGKILL after --stop-timeout) and exits 130.

${EXIT_CODE_HELP}`

  static override examples = [
    '<%= config.bin %> serve --plan plan.json',
    '<%= config.bin %> serve --model r1-distill-qwen-7b --gpu "RTX 4090" --dry-run',
    'R1_API_KEY=secret <%= config.bin %> serve --plan plan.json --host 0.0.0.0 --ready-timeout 90m --yes',
    '<%= config.bin %> serve --plan plan-2x8.json --node-rank 1 --head-address 10.0.0.1',
    '<%= config.bin %> serve --plan pd.json --dry-run',
    '<%= config.bin %> serve --plan pd.json --role decode --node-rank 2',
  ]

  static override flags = {
    ...planFlags,
    plan: Flags.string({description: 'A plan written by `r1 plan --out FILE` (instead of the plan flags).', helpGroup: 'SERVE'}),
    'api-key': Flags.string({description: 'API key the server requires (default: $R1_API_KEY). Passed to the engine through its environment, never printed.', env: 'R1_API_KEY', helpGroup: 'SERVE'}),
    docker: Flags.boolean({description: 'Run the engine\'s official docker image instead of the installed engine.', helpGroup: 'SERVE'}),
    'node-rank': wholeFlag({description: 'Several-node plans: which node this is (0 = head); with --role, which node of that role', helpGroup: 'SERVE', range: {max: LIMITS.nodes.max - 1, min: 0}}),
    role: Flags.string({description: 'Disaggregated plans: the piece this machine runs (the router waits for its backends).', helpGroup: 'SERVE', options: ['prefill', 'decode', 'router']}),
    'ready-timeout': Flags.string({default: '60m', description: 'Give up when not ready after this long: seconds, or 90s, 45m, 1h30m.', helpGroup: 'SERVE'}),
    'stop-timeout': Flags.string({default: '30s', description: 'After Ctrl-C/SIGTERM, wait this long for the engine before SIGKILL.', helpGroup: 'SERVE'}),
    yes: Flags.boolean({char: 'y', description: 'Start without asking (a download of the weights, a plan choice).', helpGroup: 'SERVE'}),
    'dry-run': Flags.boolean({description: 'Print the exact argv and environment (per node) and exit 0.', helpGroup: 'SERVE'}),
    stop: Flags.boolean({description: 'Stop every engine r1 serve started on this machine, also one left running by an r1 that was killed, and exit.', helpGroup: 'SERVE'}),
  }

  async run(): Promise<ServeResult | StopResult> {
    const {flags} = await this.parse(Serve)
    const json = this.jsonEnabled()
    if (flags.stop) {
      const stopped = await stopFromFlags(cliContext(flags.verbose), flags, {warn: (message) => this.addWarning(message)})
      if (!json) this.log((await import('../src/cli/render/serve.js')).stopText(stopped))
      return stopped
    }

    const render = await import('../src/cli/render/serve.js')
    const status = render.createStatusLine(process.stderr, Boolean(process.stderr.isTTY) && !json && process.env.CI === undefined)
    const say = (text: string) => (json ? undefined : status.print(text))
    const c = this.err
    let engine = 'engine'
    const confirm = async (question: string) => {
      if (!this.interactive) throw new R1Error('R1_PROMPT_NEEDS_TTY', `${question} (not asked: no terminal)`, {suggestions: ['Pass --yes to start it.']})
      return (await import('../src/cli/prompts.js')).confirm(question, true)
    }

    const result = await serveFromFlags(cliContext(flags.verbose), flags, {confirm, planFlags: toPlanFlags(flags)}, {
      check: (check) => say(render.checkLine(c, check)),
      failed: (r) => say(render.failureText(c, r)),
      kv: (kv) => {
        say(render.kvLine(kv))
        if (kv.warn) status.around(() => this.addWarning(render.kvWarning(kv)))
      },
      launch: (_node, shown) => say(render.launchLine(c, shown, shown.passEnv)),
      line: (_stream, line) => say(render.engineLine(c, engine, line)),
      phase: (_state, text) => (json ? undefined : status.set(text)),
      plan(plan, source) {
        engine = plan.engine
        say(render.planLine(plan, source))
      },
      ready: (r) => {
        status.clear()
        if (!json) this.log(render.readyText(this.out, r))
      },
      stopping: (signal, grace) => say(`r1: ${signal}: stopping the engine (SIGKILL after ${grace}s)`),
      recorded: (text) => say(`r1: ${text}`),
      warn: (message) => status.around(() => this.addWarning(message)),
    }).finally(() => status.clear())
    if (!json && result.mode === 'dry-run') this.log(render.dryRunText(result))
    return result
  }
}
