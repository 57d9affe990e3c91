-- KEYS[1] lock key, KEYS[2] fencing counter, KEYS[3] the namespace's grant guard;
-- ARGV[1] token, ARGV[2] holder, ARGV[3] ttl ms, ARGV[4] how long to grant nothing after data loss, ms.
-- Answers {1, fence, holder} granted, {0, 0, holder} busy, {-1, ms until grants resume, ''} paused.
local t = redis.call('TIME')
local nowUs = tonumber(t[1]) * 1000000 + tonumber(t[2])
local nowMs = math.floor(nowUs / 1000)

-- A Redis without the guard is new, or restarted without its data and so without its locks, whose
-- holders may still be running for up to a TTL: it grants nothing until they have given up.
local opensAt = tonumber(redis.call('GET', KEYS[3]))
if not opensAt then
  opensAt = nowMs + tonumber(ARGV[4])
  redis.call('SET', KEYS[3], string.format('%.0f', opensAt))
end
if nowMs < opensAt then
  return {-1, opensAt - nowMs, ''}
end

local current = redis.call('GET', KEYS[1])
if current then
  return {0, 0, string.match(current, '^[^ ]+ [^ ]+ (.*)$') or ''}
end
-- The counter grows per grant, never per attempt, and is at least the grant's time in microseconds,
-- so that fencing tokens keep growing even across a restart that lost the counter.
local fence = redis.call('INCR', KEYS[2])
if fence < nowUs then
  fence = nowUs
  redis.call('SET', KEYS[2], string.format('%.0f', fence))
end
redis.call('SET', KEYS[1], ARGV[1] .. ' ' .. string.format('%.0f', fence) .. ' ' .. ARGV[2], 'NX', 'PX', ARGV[3])
return {1, fence, ARGV[2]}
