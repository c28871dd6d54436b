import {Args} from '@oclif/core'

import {R1Command} from '../../src/cli/base-command.js'
import {noHeadersFlag, profilesFlag} from '../../src/cli/flags.js'
import {table, terminalWidth} from '../../src/cli/style.js'
import {PROFILE_KINDS, type ProfileKind} from '../../src/core/constants.js'
import type {ProfilesListResult} from '../../src/core/profiles/results.schema.js'
import {cliContext} from '../../src/cli/run-context.js'
import {listProfiles} from '../../src/services/profiles.js'

export default class ProfilesList extends R1Command {
  static override summary = 'List the model, GPU and engine profiles r1 knows.'
  static override examples = ['<%= config.bin %> profiles list', '<%= config.bin %> profiles list gpus --json']
  static override args = {
    kind: Args.string({description: 'Only this kind.', options: [...PROFILE_KINDS], required: false}),
  }

  static override flags = {'no-headers': noHeadersFlag, profiles: profilesFlag}

  async run(): Promise<ProfilesListResult> {
    const {args, flags} = await this.parse(ProfilesList)
    const result = await listProfiles({loadCatalog: () => cliContext(flags.verbose).loadCatalog(flags.profiles)}, args.kind as ProfileKind | undefined)
    if (!this.jsonEnabled()) {
      const rows = result.profiles.map((p) => [p.kind, p.id, p.name, p.detail])
      this.log(table(rows, {columns: [{title: 'KIND'}, {title: 'ID'}, {title: 'NAME'}, {early: true, min: 12, title: 'DETAIL'}], headers: !flags['no-headers'], tty: Boolean(process.stdout.isTTY), width: terminalWidth()}))
    }

    return result
  }
}
