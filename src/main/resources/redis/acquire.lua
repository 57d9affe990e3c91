-- KEYS[1] lock key, KEYS[2] fencing counter; ARGV[1] token, ARGV[2] holder, ARGV[3] ttl ms.
-- Grants only when nobody holds the key (SET NX PX); the counter grows per grant, never per attempt.
local current = redis.call('GET', KEYS[1])
if current then
  return {0, 0, string.match(current, '^[^ ]+ [^ ]+ (.*)$') or ''}
end
local fence = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], ARGV[1] .. ' ' .. fence .. ' ' .. ARGV[2], 'NX', 'PX', ARGV[3])
return {1, fence, ARGV[2]}
