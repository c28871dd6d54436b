/**
 * A fake `docker` for the `r1 serve --docker` e2e tests, first on PATH. `docker --version` answers like Docker 27;
 * `docker run … --entrypoint vllm IMAGE serve …` becomes the fake vLLM engine (test/fixtures/fake-engines/engine.cjs)
 * in this very process, as the real client stays in the foreground while its container runs; `docker rm -f NAME`
 * and `docker kill NAME` answer like Docker. Every call is appended to FAKE_DOCKER_LOG (one JSON argv a line).
 */
import {writeFakeBin} from './cli.js'
import {FAKE_ENGINE} from './serve-fakes.js'

export function installFakeDocker(dir: string): string {
  return writeFakeBin(
    dir,
    'docker',
    `const {appendFileSync} = require('node:fs')
const argv = process.argv.slice(2)
if (process.env.FAKE_DOCKER_LOG) appendFileSync(process.env.FAKE_DOCKER_LOG, JSON.stringify(argv) + '\\n')
if (argv[0] === '--version') {
  console.log('Docker version 27.3.1, build ce12230')
  process.exit(0)
}
if (argv[0] === 'rm' || argv[0] === 'kill') {
  console.log(argv[argv.length - 1])
  process.exit(0)
}
if (argv[0] === 'run') {
  const at = argv.indexOf('--entrypoint')
  const entry = argv[at + 1]
  const rest = argv.slice(at + 3)
  process.argv = [process.argv[0], entry, ...rest]
  require(${JSON.stringify(FAKE_ENGINE)}).main(entry)
} else {
  console.error('fake docker: unexpected ' + argv.join(' '))
  process.exit(125)
}
`,
  )
}
