import {mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

// A fixed environment for every test (STYLE.md §8): no colour, fixed width and zone, no proxies to the network.
process.env.NO_COLOR = '1'
process.env.COLUMNS = '120'
process.env.TZ = 'UTC'
process.env.R1_PROFILES = ''
delete process.env.FORCE_COLOR
delete process.env.HF_TOKEN
delete process.env.R1_API_KEY
// What r1 learns (calibration records) goes to a fresh folder per test file, never to the user's state folder.
process.env.R1_STATE_DIR = mkdtempSync(join(tmpdir(), 'r1-state-'))
