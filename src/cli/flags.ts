import {Flags} from '@oclif/core'

/** Flags shared by several commands. */
export const profilesFlag = Flags.string({
  description: 'A folder of extra profiles (models/, gpus/, engines/ inside; JSON or YAML). They add to or replace the built-in ones by id.',
  env: 'R1_PROFILES',
  helpGroup: 'PROFILES',
})
