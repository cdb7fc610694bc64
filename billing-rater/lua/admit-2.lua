--[[
  Admits a call into a tenant's concurrent-call set unless the limit is reached, and returns the
  tenant's balance mirror in the same round trip (authorization needs both). Entries carry their own
  expiry (score) so a call whose end never arrives stops counting after the TTL. Re-admitting the
  same call id is idempotent.

  KEYS[1]  active-call sorted set  rater:active:{<tenant>} (member call id, score = expiry ms)
  KEYS[2]  balance hash            rater:bal:{<tenant>} (see load-balance-1.lua)
  ARGV[1]  call id
  ARGV[2]  now, epoch ms (from the caller's Clock)
  ARGV[3]  expiry of this entry, epoch ms
  ARGV[4]  max concurrent calls of the tenant

  Returns  { 0, calls active including this one, balance hash as a flat field/value list }   admitted
           { -6, calls active }                                                           RESV_LIMIT_REACHED
]]
local active = KEYS[1]
redis.call('ZREMRANGEBYSCORE', active, '-inf', ARGV[2])
if redis.call('ZSCORE', active, ARGV[1]) then
  redis.call('ZADD', active, ARGV[3], ARGV[1])
  return { 0, redis.call('ZCARD', active), redis.call('HGETALL', KEYS[2]) }
end
local n = redis.call('ZCARD', active)
if n >= tonumber(ARGV[4]) then return { -6, n } end
redis.call('ZADD', active, ARGV[3], ARGV[1])
return { 0, n + 1, redis.call('HGETALL', KEYS[2]) }
