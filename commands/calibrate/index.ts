import {Flags} from '@oclif/core'

import {R1Command} from '../../src/cli/base-command.js'
import {EXIT_CODE_HELP} from '../../src/cli/exit-codes.js'
import {profilesFlag} from '../../src/cli/flags.js'
import {cliContext} from '../../src/cli/run-context.js'
import type {CalibrateImportResult} from '../../src/core/calibration/calibration.schema.js'
import {calibrateDeps, calibrateImport} from '../../src/services/calibrate.js'

export default class Calibrate extends R1Command {
  static override summary = 'Teach r1 what an engine measured on this machine: import a startup log into the calibration store.'
  static override description = `Reads the figures the engine printed at startup (weights, activation peak, non-torch memory, CUDA graphs, KV cache GiB and tokens, concurrency) and the configuration it ran: from --plan, or from the launch line in the log (vLLM "non-default args: {...}", SGLang "server_args=ServerArgs(...)", or the vllm serve / python3 -m sglang.launch_server command). A launch that died of OOM or for lack of KV memory is recorded as failed. r1 serve records every launch by itself; r1 plan then uses the records of this machine (see --no-calibration).

Records live in $R1_STATE_DIR, else $XDG_STATE_HOME/r1, else ~/.local/state/r1: one file per machine. Neither the log nor any secret is stored.

${EXIT_CODE_HELP}`

  static override examples = [
    '<%= config.bin %> calibrate --from-log startup.log --plan plan.json',
    'vllm serve ... 2>&1 | tee startup.log; <%= config.bin %> calibrate --from-log startup.log',
    'ssh gpu-box cat /var/log/sglang.log | <%= config.bin %> calibrate --from-log -',
    '<%= config.bin %> calibrate list',
    '<%= config.bin %> calibrate forget 3f9a01bc',
  ]

  static override flags = {
    'from-log': Flags.string({description: 'The engine\'s startup log (`-` for stdin).', helpValue: 'FILE', required: true}),
    plan: Flags.string({description: 'The plan the engine was launched from (r1 plan --out FILE); without it, the log\'s launch line.', helpValue: 'FILE'}),
    profiles: profilesFlag,
  }

  async run(): Promise<CalibrateImportResult> {
    const {flags} = await this.parse(Calibrate)
    const deps = calibrateDeps(cliContext(flags.verbose), flags.profiles)
    const {result, warnings} = await calibrateImport(deps, {fromLog: flags['from-log'], plan: flags.plan})
    this.addWarnings(warnings)
    if (!this.jsonEnabled()) {
      const {renderCalibrateImport} = await import('../../src/cli/render/calibrate.js')
      this.log(renderCalibrateImport(result, Boolean(process.stdout.isTTY)))
    }

    return result
  }
}
