// Compiled by `tsc --strict --noEmit` (tsconfig.json): the published types as a user meets them.
import { jsonDumps, decode, RxonError, validateData, PROTOCOL_VERSION, constants, createTransport, MockTransport, Worker } from 'rxon'
const text: string = jsonDumps({ a: 1 })
const v = validateData({ a: 1 }, { type: 'object' })
const ok: boolean = v.valid
try { decode('TaskPayload', {}) } catch (e) { if (e instanceof RxonError) { const d: Record<string, unknown> = e.details } }
const p: string = PROTOCOL_VERSION
console.log(text, ok, p, constants.ERROR_CODE_TRANSIENT)

async function worker(): Promise<void> {
  const transport = createTransport('http://127.0.0.1:1', 'w1', 'token', { requestTimeout: 5 })
  const task = await transport.pollTask(30, ['echo'])
  if (task !== null) {
    const accepted: boolean = await transport.sendResult({ job_id: task.job_id, task_id: task.task_id, data: {} })
    console.log(accepted)
  }
  const mock = new MockTransport('w1')
  mock.pushTask({ job_id: 'j', task_id: 't', type: 'echo' })
  await transport.close()
}
void worker

async function serve(): Promise<void> {
  const worker = new Worker({ url: 'http://127.0.0.1:1', workerId: 'w1', token: 't', skills: ['echo', { name: 'render', input_schema: { type: 'object' } }], concurrency: 2 })
  worker.skill('render', async (task) => {
    task.signal.throwIfAborted()
    await task.progress(0.5, 'half')
    return { frames: task.params.frames }
  })
  await worker.start()
  for await (const task of worker) {
    task.complete({ n: task.params.n })
  }
  await worker.close(5)
}
void serve
