import {Args} from '@oclif/core'

import {R1Command} from '../../src/cli/base-command.js'
import {profilesFlag} from '../../src/cli/flags.js'
import {cliContext} from '../../src/cli/run-context.js'
import {terminalWidth} from '../../src/cli/style.js'
import type {ProfilesShowResult} from '../../src/core/profiles/results.schema.js'
import {showProfile} from '../../src/services/profiles.js'

export default class ProfilesShow extends R1Command {
  static override summary = 'Show one profile (model, GPU or engine) by id or alias: a summary with its public sources; the whole profile with --json.'
  static override examples = ['<%= config.bin %> profiles show h200', '<%= config.bin %> profiles show r1 --json']
  static override args = {id: Args.string({description: 'Profile id or alias.', required: true})}
  static override flags = {profiles: profilesFlag}

  async run(): Promise<ProfilesShowResult> {
    const {args, flags} = await this.parse(ProfilesShow)
    const result = await showProfile({loadCatalog: () => cliContext(flags.verbose).loadCatalog(flags.profiles)}, args.id)
    if (!this.jsonEnabled()) {
      const {renderProfile} = await import('../../src/cli/render/profiles.js')
      this.log(renderProfile(result, process.stdout.isTTY ? terminalWidth() : Infinity))
    }
    return result
  }
}
