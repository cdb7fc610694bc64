--[[
  Gives a call slot back.

  KEYS[1] active calls of the scope (sorted set, see acquire-slot-2.lua)

  ARGV[1] member

  Returns 1 when the member held a slot, 0 otherwise.
]]
return redis.call('ZREM', KEYS[1], ARGV[1])
