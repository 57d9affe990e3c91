-- KEYS[1] lock key; ARGV[1] token, ARGV[2] ttl ms. Extends the lock only for its owner's token.
local current = redis.call('GET', KEYS[1])
if current and string.sub(current, 1, string.len(ARGV[1]) + 1) == ARGV[1] .. ' ' then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
