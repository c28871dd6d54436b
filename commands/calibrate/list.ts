import {R1Command} from '../../src/cli/base-command.js'
import {noHeadersFlag, profilesFlag} from '../../src/cli/flags.js'
import {cliContext} from '../../src/cli/run-context.js'
import type {CalibrateListResult} from '../../src/core/calibration/calibration.schema.js'
import {calibrateDeps, calibrateList} from '../../src/services/calibrate.js'

export default class CalibrateList extends R1Command {
  static override summary = 'List what r1 has measured on this machine (its calibration records), newest first.'
  static override examples = ['<%= config.bin %> calibrate list', '<%= config.bin %> calibrate list --json']
  static override flags = {'no-headers': noHeadersFlag, profiles: profilesFlag}

  async run(): Promise<CalibrateListResult> {
    const {flags} = await this.parse(CalibrateList)
    const {result, warnings} = await calibrateList(calibrateDeps(cliContext(flags.verbose), flags.profiles))
    this.addWarnings(warnings)
    if (!this.jsonEnabled()) {
      const {renderCalibrateList} = await import('../../src/cli/render/calibrate.js')
      this.log(renderCalibrateList(result, Boolean(process.stdout.isTTY), !flags['no-headers']))
    }

    return result
  }
}
