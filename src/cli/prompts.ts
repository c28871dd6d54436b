/**
 * The only prompts module (STYLE.md §5). @inquirer/prompts is imported when a prompt is shown,
 * never at start-up; callers ask only when the run is interactive (a TTY, no CI, no --json).
 */
import {R1Error} from '../core/errors.js'

export interface Choice {
  label: string
  detail: string
}

/** Pick one of `choices`; resolves to its index. Ctrl-C → R1_INTERRUPTED. */
export async function selectOne(message: string, choices: readonly Choice[], defaultIndex = 0): Promise<number> {
  const {select} = await import('@inquirer/prompts')
  try {
    return await select<number>({
      choices: choices.map((c, i) => ({description: c.detail, name: c.label, value: i})),
      default: defaultIndex,
      message,
      pageSize: Math.min(choices.length, 12),
    })
  } catch (error) {
    if ((error as Error).name === 'ExitPromptError') throw new R1Error('R1_INTERRUPTED', 'stopped at the prompt', {cause: error})
    throw error
  }
}

/** Yes or no; resolves to the answer. Ctrl-C → R1_INTERRUPTED. */
export async function confirm(message: string, defaultValue = false): Promise<boolean> {
  const prompts = await import('@inquirer/prompts')
  try {
    return await prompts.confirm({default: defaultValue, message})
  } catch (error) {
    if ((error as Error).name === 'ExitPromptError') throw new R1Error('R1_INTERRUPTED', 'stopped at the prompt', {cause: error})
    throw error
  }
}
