import {Args, Flags} from '@oclif/core'

import {R1Command} from '../../src/cli/base-command.js'
import {profilesFlag} from '../../src/cli/flags.js'
import {cliContext} from '../../src/cli/run-context.js'
import type {CalibrateForgetResult} from '../../src/core/calibration/calibration.schema.js'
import {calibrateDeps, calibrateForget} from '../../src/services/calibrate.js'

export default class CalibrateForget extends R1Command {
  static override summary = 'Forget calibration records of this machine: one by ID (a unique prefix will do), or --all.'
  static override examples = ['<%= config.bin %> calibrate forget 3f9a01bc', '<%= config.bin %> calibrate forget --all']
  static override args = {
    id: Args.string({description: 'The record\'s ID, from r1 calibrate list.', required: false}),
  }

  static override flags = {
    all: Flags.boolean({description: 'Forget every record of this machine.'}),
    profiles: profilesFlag,
  }

  async run(): Promise<CalibrateForgetResult> {
    const {args, flags} = await this.parse(CalibrateForget)
    const {result, warnings} = await calibrateForget(calibrateDeps(cliContext(flags.verbose), flags.profiles), {all: flags.all, id: args.id})
    this.addWarnings(warnings)
    if (!this.jsonEnabled()) {
      const {renderCalibrateForget} = await import('../../src/cli/render/calibrate.js')
      this.log(renderCalibrateForget(result))
    }

    return result
  }
}
