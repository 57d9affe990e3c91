-- KEYS[1] lock key; ARGV[1] token, ARGV[2] channel, ARGV[3] key as announced.
-- Deletes the lock only for its owner's token: a stale owner never frees a newer owner's lock.
local current = redis.call('GET', KEYS[1])
if current and string.sub(current, 1, string.len(ARGV[1]) + 1) == ARGV[1] .. ' ' then
  redis.call('DEL', KEYS[1])
  redis.call('PUBLISH', ARGV[2], ARGV[3])
  return 1
end
return 0
