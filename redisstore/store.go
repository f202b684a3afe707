// Package redisstore is a multiaccount.LimitStore in Redis, for limits
// shared between hosts: many pods behind one NAT, several servers with one
// egress IP. It is its own module so that the SDK never depends on Redis.
//
//	rdb := redis.NewClient(&redis.Options{Addr: "localhost:6379"})
//	store, err := redisstore.New(rdb, redisstore.WithPrefix("egress-1:"))
//	...
//	c, err := multiaccount.NewClient(multiaccount.VoiceTel(),
//		multiaccount.WithAuth(key), multiaccount.WithLimitStore(store))
//
// Each window is a sorted set of its slots scored by the moment each stops
// counting, changed by one Lua script per operation (atomic, one round
// trip). Time comes from Redis TIME, not from the callers' clocks, so hosts
// whose clocks disagree still share one exact window; waits are returned as
// durations. In-flight caps are sorted sets of leased members that expire.
// All keys of one window or cap share a hash tag, so the store works on
// Redis Cluster. When Redis cannot be reached every call fails with a
// *multiaccount.LimitStoreError (fail closed) unless FailOpen is given.
package redisstore

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/multiaccount/multiaccount"
	"github.com/redis/go-redis/v9"
)

// Store is a multiaccount.LimitStore in Redis. It is safe for concurrent
// use; the redis client it was given stays the caller's to close.
type Store struct {
	rdb      redis.UniversalClient
	prefix   string
	failOpen bool
	// callerClock makes the window scripts use the times callers pass
	// instead of Redis TIME: only for the conformance suite, which drives
	// time explicitly.
	callerClock bool
	poll        time.Duration
}

// Option configures a Store.
type Option func(*Store) error

// WithPrefix sets the prefix of every key (default "multiaccount:"). One
// Redis can serve several egress IPs, each with its own windows, by giving
// each its own prefix. It may not contain '{' or '}', which Redis Cluster
// reads as a hash tag.
func WithPrefix(p string) Option {
	return func(s *Store) error {
		if strings.ContainsAny(p, "{}") {
			return &multiaccount.ValidationError{Operation: "redisstore.New", Field: "WithPrefix", Reason: "must not contain '{' or '}'"}
		}
		s.prefix = p
		return nil
	}
}

// FailOpen lets calls go ahead when Redis cannot be reached, instead of
// failing them with a *multiaccount.LimitStoreError. While Redis is away
// nothing is counted, so the vendor's limits may be exceeded: choose it only
// when an answer from the vendor matters more than staying within them.
func FailOpen() Option {
	return func(s *Store) error { s.failOpen = true; return nil }
}

// New returns a Store on rdb (a *redis.Client, *redis.ClusterClient or
// *redis.Ring). It does no I/O.
func New(rdb redis.UniversalClient, opts ...Option) (*Store, error) {
	if rdb == nil {
		return nil, &multiaccount.ValidationError{Operation: "redisstore.New", Field: "rdb", Reason: "is nil"}
	}
	s := &Store{rdb: rdb, prefix: "multiaccount:", poll: 20 * time.Millisecond}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(s); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// keys returns the keys of one window or cap: the name is the hash tag, so
// they all live in one Cluster slot.
func (s *Store) keys(name string, kinds ...string) []string {
	out := make([]string, len(kinds))
	for i, k := range kinds {
		out[i] = s.prefix + "{" + name + "}:" + k
	}
	return out
}

const usPerDuration = int64(time.Microsecond)

func us(d time.Duration) int64 { return int64(d) / usPerDuration }

// nowArg is the time argument of a window script: "" asks it for Redis
// TIME.
func (s *Store) nowArg(now time.Time) string {
	if !s.callerClock {
		return ""
	}
	return strconv.FormatInt(now.UnixMicro(), 10)
}

func (s *Store) fail(op string, err error) error {
	return &multiaccount.LimitStoreError{Store: "redis", Op: op, Err: err}
}

// Shared Lua: the time, expired slots removed, and the earliest moment a
// new slot may go. Times are integer microseconds (exact in Lua's doubles
// until the year 2255); numbers go to Redis through %d so none is written
// in exponent form.
const luaCommon = `
local function fmt(x) return string.format('%d', x) end
local function clock(arg)
  if arg ~= '' then return tonumber(arg) end
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000000 + tonumber(t[2])
end
local function prune(now)
  local old = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', fmt(now))
  if #old > 0 then
    redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', fmt(now))
    redis.call('HDEL', KEYS[2], unpack(old))
  end
end
local function earliest(now, n)
  local at = now
  local blocked = tonumber(redis.call('HGET', KEYS[3], 'blocked') or '0')
  if blocked > at then at = blocked end
  for _, v in ipairs(redis.call('HVALS', KEYS[2])) do
    local b = tonumber(v)
    if b > at then at = b end
  end
  local held = redis.call('ZCOUNT', KEYS[1], '(' .. fmt(at), '+inf')
  if held >= n then
    local r = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. fmt(at), '+inf', 'WITHSCORES', 'LIMIT', held - n, 1)
    at = tonumber(r[2])
  end
  return at
end
local function expire(now)
  local horizon = tonumber(redis.call('HGET', KEYS[3], 'blocked') or '0')
  local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
  if #last > 0 and tonumber(last[2]) > horizon then horizon = tonumber(last[2]) end
  local ms = math.floor((horizon - now) / 1000) + 1000
  for i = 1, 3 do
    if redis.call('EXISTS', KEYS[i]) == 1 then redis.call('PEXPIRE', KEYS[i], fmt(ms)) end
  end
end
`

// KEYS: slots (zset id -> free at), at (hash id -> booked at), meta
// (hash: seq, blocked). ARGV: n, per, maxWait, lease, now.
var reserveScript = redis.NewScript(luaCommon + `
local n, per, maxwait, lease = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local now = clock(ARGV[5])
prune(now)
local at = earliest(now, n)
if at - now > maxwait then return {0, 0, at - now} end
local id = redis.call('HINCRBY', KEYS[3], 'seq', 1)
redis.call('ZADD', KEYS[1], fmt(at + lease + per), id)
redis.call('HSET', KEYS[2], id, fmt(at))
expire(now)
return {1, id, at - now}
`)

// ARGV: id, per, end.
var confirmScript = redis.NewScript(luaCommon + `
local at = redis.call('HGET', KEYS[2], ARGV[1])
if not at then return 0 end
local e = clock(ARGV[3])
if e < tonumber(at) then e = tonumber(at) end
redis.call('ZADD', KEYS[1], 'XX', fmt(e + tonumber(ARGV[2])), ARGV[1])
expire(e)
return 1
`)

// ARGV: id.
var cancelScript = redis.NewScript(`
redis.call('ZREM', KEYS[1], ARGV[1])
return redis.call('HDEL', KEYS[2], ARGV[1])
`)

// ARGV: duration, now.
var blockScript = redis.NewScript(luaCommon + `
local now = clock(ARGV[2])
local upto = now + tonumber(ARGV[1])
local b = tonumber(redis.call('HGET', KEYS[3], 'blocked') or '0')
if upto > b then redis.call('HSET', KEYS[3], 'blocked', fmt(upto)) end
expire(now)
return 1
`)

// ARGV: n, now. Returns left and the wait until the next slot.
var statusScript = redis.NewScript(luaCommon + `
local n = tonumber(ARGV[1])
local now = clock(ARGV[2])
prune(now)
local at = earliest(now, n)
if at > now then return {0, at - now} end
return {n - redis.call('ZCOUNT', KEYS[1], '(' .. fmt(now), '+inf'), 0}
`)

// KEYS: holders (zset id -> lease expiry), seq. ARGV: n, lease. Always
// Redis TIME: leases are wall-clock.
var acquireScript = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', string.format('%d', now))
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
  local id = redis.call('INCR', KEYS[2])
  local exp = now + tonumber(ARGV[2])
  redis.call('ZADD', KEYS[1], string.format('%d', exp), id)
  local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
  local ms = string.format('%d', math.floor((tonumber(last[2]) - now) / 1000) + 1000)
  redis.call('PEXPIRE', KEYS[1], ms)
  redis.call('PEXPIRE', KEYS[2], ms)
  return {1, id, 0}
end
local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return {0, 0, tonumber(first[2]) - now}
`)

var releaseScript = redis.NewScript(`return redis.call('ZREM', KEYS[1], ARGV[1])`)

func (s *Store) windowKeys(w multiaccount.Window) []string {
	return s.keys(w.Key, "slots", "at", "meta")
}

// ints reads a script's array of integers.
func ints(v any, n int) ([]int64, error) {
	a, ok := v.([]any)
	if !ok || len(a) != n {
		return nil, errors.New("unexpected script reply")
	}
	out := make([]int64, n)
	for i, x := range a {
		if out[i], ok = x.(int64); !ok {
			return nil, errors.New("unexpected script reply")
		}
	}
	return out, nil
}

// Reserve implements multiaccount.LimitStore.
func (s *Store) Reserve(ctx context.Context, w multiaccount.Window, now time.Time, maxWait, lease time.Duration) (multiaccount.Slot, bool, error) {
	if w.N < 1 || w.Per <= 0 {
		return multiaccount.Slot{}, false, &multiaccount.ValidationError{Operation: "redisstore.Reserve", Field: "w", Reason: "needs N >= 1 and a positive Per"}
	}
	v, err := reserveScript.Run(ctx, s.rdb, s.windowKeys(w), w.N, us(w.Per), us(maxWait), us(lease), s.nowArg(now)).Result()
	var r []int64
	if err == nil {
		r, err = ints(v, 3)
	}
	if err != nil {
		if s.failOpen {
			return multiaccount.Slot{At: now}, true, nil
		}
		return multiaccount.Slot{}, false, s.fail("reserve", err)
	}
	wait := time.Duration(r[2]) * time.Microsecond
	return multiaccount.Slot{ID: uint64(r[1]), At: now.Add(wait), Wait: wait}, r[0] == 1, nil
}

// Confirm implements multiaccount.LimitStore. The end is Redis's TIME.
func (s *Store) Confirm(ctx context.Context, w multiaccount.Window, sl multiaccount.Slot, end time.Time) error {
	if sl.ID == 0 {
		return nil // booked while failing open
	}
	err := confirmScript.Run(ctx, s.rdb, s.windowKeys(w), sl.ID, us(w.Per), s.nowArg(end)).Err()
	return s.result("confirm", err)
}

// Cancel implements multiaccount.LimitStore.
func (s *Store) Cancel(ctx context.Context, w multiaccount.Window, sl multiaccount.Slot) error {
	if sl.ID == 0 {
		return nil
	}
	return s.result("cancel", cancelScript.Run(ctx, s.rdb, s.windowKeys(w), sl.ID).Err())
}

// Block implements multiaccount.LimitStore.
func (s *Store) Block(ctx context.Context, w multiaccount.Window, now time.Time, d time.Duration) error {
	return s.result("block", blockScript.Run(ctx, s.rdb, s.windowKeys(w), us(d), s.nowArg(now)).Err())
}

// Status implements multiaccount.LimitStore.
func (s *Store) Status(ctx context.Context, w multiaccount.Window, now time.Time, _ time.Duration) (multiaccount.WindowStatus, error) {
	v, err := statusScript.Run(ctx, s.rdb, s.windowKeys(w), w.N, s.nowArg(now)).Result()
	var r []int64
	if err == nil {
		r, err = ints(v, 2)
	}
	if err != nil {
		return multiaccount.WindowStatus{}, s.fail("status", err)
	}
	return multiaccount.WindowStatus{Left: int(r[0]), Next: now.Add(time.Duration(r[1]) * time.Microsecond)}, nil
}

// Acquire implements multiaccount.LimitStore. A full cap is polled until a
// holder releases or its lease runs out, or ctx ends.
func (s *Store) Acquire(ctx context.Context, key string, n int, lease time.Duration) (multiaccount.Lease, error) {
	if n < 1 {
		return multiaccount.Lease{}, &multiaccount.ValidationError{Operation: "redisstore.Acquire", Field: "n", Reason: "must be at least 1"}
	}
	keys := s.keys(key, "holders", "seq")
	for {
		v, err := acquireScript.Run(ctx, s.rdb, keys, n, us(lease)).Result()
		var r []int64
		if err == nil {
			r, err = ints(v, 3)
		}
		if err != nil {
			if ctx.Err() != nil {
				return multiaccount.Lease{}, ctx.Err()
			}
			if s.failOpen {
				return multiaccount.Lease{}, nil
			}
			return multiaccount.Lease{}, s.fail("acquire", err)
		}
		if r[0] == 1 {
			return multiaccount.Lease{ID: uint64(r[1])}, nil
		}
		wait := s.poll
		if d := time.Duration(r[2]) * time.Microsecond; d < wait {
			wait = d
		}
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return multiaccount.Lease{}, ctx.Err()
		}
	}
}

// Release implements multiaccount.LimitStore.
func (s *Store) Release(ctx context.Context, key string, l multiaccount.Lease) error {
	if l.ID == 0 {
		return nil
	}
	return s.result("release", releaseScript.Run(ctx, s.rdb, s.keys(key, "holders"), l.ID).Err())
}

// result maps a script error to the store's error, or to none when
// failing open.
func (s *Store) result(op string, err error) error {
	if err == nil || errors.Is(err, redis.Nil) {
		return nil
	}
	if s.failOpen {
		return nil
	}
	return s.fail(op, err)
}

var _ multiaccount.LimitStore = (*Store)(nil)
