'use strict'
// JavaScript values as the core reads them: what JSON has, exactly; what it lacks, refused.

const assert = require('node:assert/strict')
const { test } = require('node:test')
const rxon = require('..')

test('strings of any length and script are read whole, as keys and as values', () => {
  for (const char of ['x', 'é', '中', '😀']) {
    for (let n = 0; n <= 300; n++) {
      const text = char.repeat(n)
      assert.equal(rxon.jsonDumps({ [text]: text }), JSON.stringify({ [text]: text }), `${char} × ${n}`)
    }
  }
})

test('integers beyond 2^53 travel as BigInts and are written exactly', () => {
  const text = '{"a":-123456789012345678901234567890,"b":9007199254740993}'
  const value = rxon.loads(text)
  assert.equal(value.a, -123456789012345678901234567890n)
  assert.equal(value.b, 9007199254740993n)
  assert.equal(rxon.jsonDumps(value), text)
  // An integral number beyond 2^53 is the exact integer the double holds.
  assert.equal(rxon.jsonDumps(2 ** 64), '18446744073709551616')
  assert.equal(rxon.toDict({ n: 2 ** 64 }).n, 18446744073709551616n)
  assert.equal(rxon.toDict({ n: -0 }).n, 0)
})

test('what JSON lacks is refused by name; depth is bounded', () => {
  assert.throws(() => rxon.jsonDumps({ a: Symbol('s') }), { name: 'TypeError', message: 'Object of type Symbol is not JSON serializable' })
  assert.throws(() => rxon.jsonDumps([() => 1]), TypeError)
  assert.throws(() => rxon.jsonDumps({ when: new Date(0) }), /Date/)
  assert.throws(() => rxon.jsonDumps(Buffer.from('x')), /TypedArray/)
  assert.throws(() => rxon.jsonDumps(new Float64Array(2)), /TypedArray/)
  let deep = []
  for (let i = 0; i < 40; i++) deep = [deep]
  assert.throws(() => rxon.toDict(deep), RangeError)
  const cycle = {}
  cycle.self = cycle
  assert.throws(() => rxon.jsonDumps(cycle), RangeError)
  // Members holding undefined are left out, as JSON.stringify leaves them.
  assert.equal(rxon.jsonDumps({ a: undefined, b: 1 }), '{"b":1}')
})

test('decode refuses what the reference refuses, with its message and details', () => {
  assert.throws(
    () => rxon.decode('TaskPayload', { job_id: 'j', task_id: 't', type: 'x', security: [] }),
    (e) =>
      e instanceof rxon.RxonError &&
      e.message === 'Failed to instantiate TaskPayload: Expected `object | null`, got `array` - at `$.security`' &&
      e.details.path === '$.security',
  )
  assert.throws(() => rxon.decode('NoSuchMessage', {}), rxon.RxonError)
})

test('plain data crosses as JSON text and gives exactly what reading the value gives', () => {
  // index.js writes plain data as text for the core to parse; the native functions read any
  // value themselves without it. Both ways must agree on every vector input.
  const native = require('../native.js')
  const vectorsDir = process.env.RXON_VECTORS_DIR || require('node:path').resolve(__dirname, '..', '..', '..', 'shared', 'vectors')
  const read = (name) => rxon.loads(require('node:fs').readFileSync(require('node:path').join(vectorsDir, `${name}.json`), 'utf8')).cases
  const inputs = [
    ...read('canonical').map((c) => c.input),
    ...read('hmac').map((c) => c.payload),
    ...read('floats').map((c) => ({ x: Number(c.json) })),
    { deep: [[[[{ a: [1.5, -2, 'é\u{1F600}'] }]]]], '': 0, __proto__x: null },
  ]
  let compared = 0
  inputs.forEach((input, i) => {
    assert.equal(rxon.jsonDumps(input), native.jsonDumps(input), `input ${i}`)
    assert.equal(rxon.calculateDictHash(input), native.calculateDictHash(input), `input ${i}`)
    assert.equal(rxon.signPayload(input, 'k'), native.signPayload(input, undefined, 'k'), `input ${i}`)
    compared += 1
  })
  assert.ok(compared > 500, `${compared} inputs compared`)
  // A lone surrogate does not parse back from JSON.stringify's text: the value is read instead.
  assert.equal(rxon.jsonDumps({ s: '\ud800' }), native.jsonDumps({ s: '\ud800' }))
})
