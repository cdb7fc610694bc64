--[[
  Takes one call slot in a scope (a tenant or a carrier gateway), or says which limit stops it.
  Concurrency is a sorted set of members scored by when their hold lapses (so a crashed switch
  cannot hold slots forever); calls per second is a sliding one-second window of members.

  KEYS[1] active calls of the scope (sorted set: member -> hold lapses at, epoch ms)
  KEYS[2] recent call starts of the scope (sorted set: member -> started at, epoch ms)

  ARGV[1] member (call id, or call id and attempt for a gateway)
  ARGV[2] now, epoch ms (from the caller's Clock, never Redis TIME)
  ARGV[3] max concurrent calls (0 = no limit)
  ARGV[4] max calls per second (0 = no limit)
  ARGV[5] hold, ms: how long the slot lasts unless released or renewed

  Returns 1 when taken, -1 when the concurrency limit is reached, -2 when the CPS limit is reached.
]]
local now = tonumber(ARGV[2])
local maxConcurrent = tonumber(ARGV[3])
local maxCps = tonumber(ARGV[4])

redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if maxConcurrent > 0 and redis.call('ZSCORE', KEYS[1], ARGV[1]) == false
  and redis.call('ZCARD', KEYS[1]) >= maxConcurrent then
  return -1
end

redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - 1000)
if maxCps > 0 and redis.call('ZCARD', KEYS[2]) >= maxCps then
  return -2
end

redis.call('ZADD', KEYS[1], now + tonumber(ARGV[5]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[5]))
redis.call('ZADD', KEYS[2], now, ARGV[1])
redis.call('PEXPIRE', KEYS[2], 2000)
return 1
