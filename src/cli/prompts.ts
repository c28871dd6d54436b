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

/**
 * The plan picker (`r1 plan -i`): a searchable list, the recommendation first. Typing filters the
 * entries by every word typed; Enter takes the highlighted one. Ctrl-C → R1_INTERRUPTED (exit 130, quietly).
 */
export async function pickPlan(choices: readonly Choice[], defaultIndex = 0): Promise<number> {
  const {search} = await import('@inquirer/prompts')
  const entries = choices.map((c, i) => ({description: c.detail, name: c.label, value: i}))
  try {
    return await search<number>({
      message: 'Which plan? (type to filter)',
      pageSize: Math.min(choices.length, 12),
      async source(term) {
        const words = (term ?? '').toLowerCase().split(/\s+/).filter(Boolean)
        const hits = entries.filter((e) => words.every((w) => `${e.name} ${e.description}`.toLowerCase().includes(w)))
        // The default first when nothing is typed.
        return words.length === 0 ? [entries[defaultIndex], ...entries.filter((_, i) => i !== defaultIndex)] : hits
      },
    })
  } catch (error) {
    if ((error as Error).name === 'ExitPromptError') throw new R1Error('R1_INTERRUPTED', 'stopped at the prompt', {cause: error})
    throw error
  }
}
