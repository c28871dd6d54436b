/**
 * `r1 pln`: an unknown command is a usage error (exit 2), with "did you mean" and, under --json,
 * the same error envelope every command prints (STYLE.md §3, §4). oclif's default exits 1, the code
 * r1 keeps for its own bugs.
 */
import {Errors, type Hook} from '@oclif/core'

import type {ErrorEnvelope} from '../base-command.js'
import {EXIT} from '../exit-codes.js'
import {closestNames} from '../flags.js'

const hook: Hook<'command_not_found'> = async function (opts) {
  const commands = opts.config.commandIDs.map((id) => id.replaceAll(':', ' '))
  // oclif joins the words that follow a topic ("profiles shw h200" → profiles:shw:h200): keep the
  // words up to the first one that is neither a command nor a topic.
  const words = opts.id.split(':')
  const prefixes = new Set(commands.flatMap((c) => c.split(' ').map((_, i, all) => all.slice(0, i + 1).join(' '))))
  let k = 1
  while (k < words.length && prefixes.has(words.slice(0, k).join(' '))) k++
  const typed = words.slice(0, k).join(' ')
  const close = closestNames(typed, commands)
  const suggestions = [...(close.length > 0 ? [`Did you mean r1 ${close.join(' or r1 ')}?`] : []), `See the commands with r1 --help.`]
  const envelope: ErrorEnvelope = {status: EXIT.usage, error: {code: 'R1_INVALID_FLAGS', message: `unknown command "${typed}"`, suggestions}}
  if ((opts.argv ?? []).includes('--json')) {
    process.stdout.write(`${JSON.stringify(envelope, null, 2)}\n`)
  } else {
    process.stderr.write(`Error: ${envelope.error.message}\nCode: ${envelope.error.code}\nTry this:\n${suggestions.map((s) => `  - ${s}`).join('\n')}\n`)
  }

  throw new Errors.ExitError(EXIT.usage)
}

export default hook
