/** Flags of the commands that talk to a running server (chat, eval, bench). */
import {Flags} from '@oclif/core'

import {parseDuration} from '../core/serve/duration.js'

export const clientFlags = {
  url: Flags.string({default: 'http://127.0.0.1:8000', description: 'Base URL of the OpenAI-compatible server (r1 serve listens on port 8000).', helpGroup: 'SERVER'}),
  model: Flags.string({description: 'Model name to ask for [default: the first one /v1/models lists].', helpGroup: 'SERVER'}),
  'api-key': Flags.string({description: 'API key of the server (sent as a Bearer token, never printed).', env: 'R1_API_KEY', helpGroup: 'SERVER'}),
  'stall-timeout': Flags.custom<number>({
    default: 300_000,
    defaultHelp: async () => '5m',
    description: 'Give up on a streamed answer that sends no data for this long (seconds, or 30s, 5m): exit 6.',
    helpGroup: 'SERVER',
    async parse(input) {
      return parseDuration(input, '--stall-timeout') * 1000
    },
  })(),
}
