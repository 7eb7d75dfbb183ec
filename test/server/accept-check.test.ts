// The quick yes for frames zod takes as they are (server/gateway/accept-check.ts): it may say yes only
// where zod accepts the value and gives back an equal one. Every frame below, valid and broken in each
// field, is put to both: a yes with zod refusing, or with zod's output differing, fails.
import { randomUUID } from 'node:crypto';
import t from 'tap';
import { z } from 'zod';
import { HeartbeatSchema, PlaysSchema } from '../../player/protocol.js';
import { acceptCheckOf } from '../../server/gateway/accept-check.js';
import { testPlayRecord } from '../helper.js';

const isPlaysAsIs = acceptCheckOf(PlaysSchema, 'plays');
const isHeartbeatAsIs = acceptCheckOf(HeartbeatSchema, 'heartbeat');

/** Both answers for a value as it comes off the wire (through JSON, as the gateway sees it). */
function judged(schema: z.ZodType, isAsIs: (v: unknown) => boolean, value: unknown) {
  const wire = JSON.parse(JSON.stringify(value)) as unknown;
  const zod = schema.safeParse(wire);
  return { quick: isAsIs(wire), zod: zod.success, isSame: zod.success && JSON.stringify(zod.data) === JSON.stringify(wire) };
}

const at = Date.parse('2027-01-12T08:00:00Z');
const record = (over: Record<string, unknown> = {}) => ({ ...testPlayRecord(at), ...over });
const full = () => record({ plannedStartedAt: '2027-01-12T08:00:00.000+08:00', outcome: 'cut', clockOffsetMs: -12 });
const plays = (records: unknown[], over: Record<string, unknown> = {}) => ({ type: 'plays', records, ...over });

const broken: [string, unknown][] = [
  ['no records', plays([])],
  ['501 records', plays(Array.from({ length: 501 }, () => record()))],
  ['records not an array', plays({ 0: record() } as unknown as unknown[])],
  ['a record that is null', plays([null])],
  ['a record that is an array', plays([[]])],
  ['batch negative', plays([record()], { batch: -1 })],
  ['batch a fraction', plays([record()], { batch: 1.5 })],
  ['batch past 2^31', plays([record()], { batch: 2 ** 31 + 1 })],
  ['batch a string', plays([record()], { batch: '3' })],
  ['batch null', plays([record()], { batch: null })],
  ['another type', { type: 'play', records: [record()] }],
];
for (const [field, values] of Object.entries<unknown[]>({
  id: ['not-a-uuid', randomUUID().toUpperCase() + 'x', '', 7, null],
  itemId: ['', 'a'.repeat(65), 'has space', '__proto__', 'constructor', 'prototype', 3, null],
  mediaId: ['ü', 'a/b', false],
  hash: ['A'.repeat(64), 'a'.repeat(63), 'a'.repeat(65), 'g'.repeat(64)],
  manifestVersion: ['', 'v'.repeat(65), 12],
  startedAt: ['2027-02-30T08:00:00Z', '2027-01-12 08:00:00Z', '2027-01-12T08:00:00', '2027-01-12T24:00:00Z', at],
  endedAt: ['2027-01-12T07:59:59.999Z', '2027-13-01T00:00:00Z', null],
  completed: ['true', 1, null],
  plannedStartedAt: ['yesterday', null, 0],
  outcome: ['done', '', null],
  clockOffsetMs: [1.5, 1e12, -1e12, '5', null, Number.MAX_SAFE_INTEGER],
})) {
  for (const value of values) broken.push([`${field} ${JSON.stringify(value)}`, plays([record(), record({ [field]: value })])]);
}
broken.push(['a record without its id', plays([(({ id: _, ...rest }) => rest)(record())])]);

t.test('plays frames: a quick yes for every valid frame, and each is what zod gives back', async (t) => {
  const valid: [string, unknown][] = [
    ['one record', plays([record()])],
    ['500 records with every field and a batch number', plays(Array.from({ length: 500 }, () => full()), { batch: 2 ** 31 })],
    ['the nil and max uuids, batch 0', plays([record({ id: '00000000-0000-0000-0000-000000000000' }), record({ id: 'ffffffff-ffff-ffff-ffff-ffffffffffff' })], { batch: 0 })],
    ['an offset time and a leap day', plays([record({ startedAt: '2028-02-29T23:59:59+08:00', endedAt: '2028-02-29T16:00:00.5Z' })])],
    ['ended as it started', plays([record({ endedAt: new Date(at).toISOString() })])],
  ];
  for (const [name, frame] of valid) t.same(judged(PlaysSchema, isPlaysAsIs, frame), { quick: true, zod: true, isSame: true }, name);
});

t.test('plays frames: no quick yes where zod refuses', async (t) => {
  for (const [name, frame] of broken) {
    const verdict = judged(PlaysSchema, isPlaysAsIs, frame);
    t.same(verdict, { quick: false, zod: false, isSame: false }, name);
  }
});

t.test('a frame zod takes only after stripping a key is left to zod (its copy differs)', async (t) => {
  const stripped = [plays([record({ extra: 1 })]), plays([record()], { extra: 1 }), JSON.parse(`{"type":"plays","records":[${JSON.stringify(record())}],"__proto__":{"x":1}}`)];
  for (const frame of stripped) t.same(judged(PlaysSchema, isPlaysAsIs, frame), { quick: false, zod: true, isSame: false });
});

t.test('heartbeats: the quick yes agrees with zod, nullable and optional fields included', async (t) => {
  const beat = { type: 'heartbeat', sentAt: '2027-01-12T08:00:00.000Z', airing: null, manifestVersion: null, uptimeMs: 5 };
  const valid = [
    beat,
    { ...beat, airing: { itemId: 'item-1', mediaId: 'media-1', startedAt: '2027-01-12T07:59:00Z' }, manifestVersion: 'v1', playerVersion: '0.9', segment: null, storage: { usage: 1.5, quota: 10 }, soundBlocked: false },
  ];
  for (const value of valid) t.same(judged(HeartbeatSchema, isHeartbeatAsIs, value), { quick: true, zod: true, isSame: true });
  const invalid = [{ ...beat, uptimeMs: -1 }, { ...beat, airing: { itemId: 'item-1' } }, { ...beat, manifestVersion: '' }, { ...beat, storage: { usage: -1, quota: 1 } }, { ...beat, sentAt: null }];
  for (const value of invalid) t.same(judged(HeartbeatSchema, isHeartbeatAsIs, value), { quick: false, zod: false, isSame: false }, JSON.stringify(value));
});

t.test('a schema with anything the check does not read cannot be compiled: no yes on a guess', async (t) => {
  t.throws(() => acceptCheckOf(z.object({ site: z.string().url() })), /site: check "string_format" \(url\) not supported/);
  t.throws(() => acceptCheckOf(z.object({ mode: z.string().default('screen') })), /mode: schema type "default" not supported/);
  t.throws(() => acceptCheckOf(z.coerce.number()), /coercion not supported/);
  t.throws(() => acceptCheckOf(z.string().transform((s) => s.length)), /not supported/);
});
