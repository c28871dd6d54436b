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
export async function pickPlan(choices: readonly Choice[], defaultIndex = 0, width = process.stdout.columns || 80): Promise<number> {
  const {search} = await import('@inquirer/prompts')
  // Filtering reads the whole label; the list shows it fitted to the terminal (see pickerLabel).
  const short = choices.some((c) => c.label.length > width - 3)
  const entries = choices.map((c, i) => ({description: fitLine(c.detail, width - 1), full: `${c.label} ${c.detail}`, name: pickerLabel(c.label, width - 3, short), value: i}))
  try {
    return await search<number>({
      message: 'Which plan? (type to filter)',
      pageSize: Math.min(choices.length, 12),
      async source(term) {
        const words = (term ?? '').toLowerCase().split(/\s+/).filter(Boolean)
        const hits = entries.filter((e) => words.every((w) => e.full.toLowerCase().includes(w)))
        // The default first when nothing is typed.
        const shown = words.length === 0 ? [entries[defaultIndex], ...entries.filter((_, i) => i !== defaultIndex)] : hits
        return shown.map(({description, name, value}) => ({description, name, value}))
      },
    })
  } catch (error) {
    if ((error as Error).name === 'ExitPromptError') throw new R1Error('R1_INTERRUPTED', 'stopped at the prompt', {cause: error})
    throw error
  }
}

/**
 * A picker entry that fits `width` columns (a wrapped entry breaks the list). When any entry is too
 * wide (`short`), every entry drops the family prefix the rows share ("DeepSeek-R1-Distill-Qwen-7B" →
 * "Distill-Qwen-7B", "DeepSeek-R1 671B" → "R1 671B", as the plan table writes them); one still too
 * wide is cut with "…" before its " (recommended)". What tells entries apart (model, checkpoint,
 * engine, layout) comes first, so it stays.
 */
export function pickerLabel(label: string, width: number, short = label.length > width): string {
  const text = short ? label.replace(/(^|\* )DeepSeek-R1-(?=Distill)/, '$1').replace(/(^|\* )DeepSeek-(?=R1 )/, '$1') : label
  if (text.length <= width) return text
  const tail = text.endsWith(' (recommended)') ? ' (recommended)' : ''
  return `${fitLine(text.slice(0, text.length - tail.length), width - tail.length)}${tail}`
}

/** One line of at most `width` characters: cut with "…". */
function fitLine(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, Math.max(1, width - 1))}…`
}
