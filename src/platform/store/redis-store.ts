/**
 * TTL store on Redis, for several portal instances. Each value carries its expiry from the
 * injected clock (so behaviour is the same as the SQL adapter's, also under a test clock),
 * and Redis expires the key itself a little later as a backstop. `add` and `consume` are
 * single Lua scripts: atomic across instances.
 */
import type { Redis } from 'ioredis';
import type { Clock } from '../clock.js';
import type { TtlStore } from './port.js';

interface Envelope {
  v: unknown;
  /** Expiry, epoch ms by the injected clock. */
  e: number;
}

// KEYS[1] = key; ARGV[1] = envelope JSON, ARGV[2] = now (ms), ARGV[3] = Redis TTL (ms)
const ADD = `
local current = redis.call('GET', KEYS[1])
if current then
  local ok, decoded = pcall(cjson.decode, current)
  if ok and tonumber(decoded['e']) > tonumber(ARGV[2]) then return 0 end
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
return 1`;

// KEYS[1] = key
const CONSUME = `
local current = redis.call('GET', KEYS[1])
if current then redis.call('DEL', KEYS[1]) end
return current`;

// KEYS[1] = key; ARGV[1] = now (ms), ARGV[2] = window (ms), ARGV[3] = backstop (ms).
// Returns { count, expiry (ms by the injected clock) }.
const INCREMENT = `
local now = tonumber(ARGV[1])
local current = redis.call('GET', KEYS[1])
if current then
  local ok, decoded = pcall(cjson.decode, current)
  if ok and tonumber(decoded['e']) > now and type(decoded['v']) == 'number' then
    local count = decoded['v'] + 1
    local expiry = tonumber(decoded['e'])
    redis.call('SET', KEYS[1], cjson.encode({ v = count, e = expiry }), 'PX', math.floor(expiry - now + tonumber(ARGV[3])))
    return { count, tostring(expiry) }
  end
end
local expiry = now + tonumber(ARGV[2])
redis.call('SET', KEYS[1], cjson.encode({ v = 1, e = expiry }), 'PX', math.floor(tonumber(ARGV[2]) + tonumber(ARGV[3])))
return { 1, tostring(expiry) }`;

/** Redis keeps keys this much longer than their logical expiry (clock skew between instances). */
const BACKSTOP_MS = 60_000;

export function createRedisStore(redis: Redis, clock: Clock, prefix = 'kw:'): TtlStore {
  const k = (key: string) => `${prefix}${key}`;
  const envelope = (value: unknown, ttlSeconds: number) => {
    const e = clock.now().getTime() + ttlSeconds * 1000;
    return { json: JSON.stringify({ v: value, e } satisfies Envelope), px: ttlSeconds * 1000 + BACKSTOP_MS };
  };
  const live = (raw: string | null): unknown => {
    if (raw === null) return undefined;
    const parsed = JSON.parse(raw) as Envelope;
    return parsed.e > clock.now().getTime() ? parsed.v : undefined;
  };
  return {
    async upsert(key, value, ttlSeconds) {
      const { json, px } = envelope(value, ttlSeconds);
      await redis.set(k(key), json, 'PX', px);
    },
    async add(key, value, ttlSeconds) {
      const { json, px } = envelope(value, ttlSeconds);
      const created = await redis.eval(ADD, 1, k(key), json, String(clock.now().getTime()), String(px));
      return created === 1;
    },
    async find<T>(key: string) {
      return live(await redis.get(k(key))) as T | undefined;
    },
    async consume<T>(key: string) {
      return live((await redis.eval(CONSUME, 1, k(key))) as string | null) as T | undefined;
    },
    async destroy(key) {
      await redis.del(k(key));
    },
    async increment(key, ttlSeconds) {
      const t = clock.now().getTime();
      const [count, expiry] = (await redis.eval(INCREMENT, 1, k(key), String(t), String(ttlSeconds * 1000), String(BACKSTOP_MS))) as [number, string];
      return { count, msLeft: Number(expiry) - t };
    },
    sweep() {
      // Redis expires keys itself.
      return Promise.resolve(0);
    },
  };
}
