--[[
  First step of charging a held SMS: marks the hold as being settled and moves its expiry to
  now + grace, so the hold sweeper leaves it alone while the PostgreSQL debit is written. A hold
  whose expiry has passed cannot be claimed (the sweeper decides it). Repeating the claim while
  settling is allowed: the ledger's idempotency key makes the second debit a no-op.

  KEYS[1]  hold hash   rater:smsh:{<tenant>}:<message id>
  KEYS[2]  live holds  rater:sms:live
  ARGV[1]  member for KEYS[2]: "<tenant>|<message id>"
  ARGV[2]  now, epoch ms (from the caller's Clock)
  ARGV[3]  new expiry, epoch ms (now + grace)

  Returns  { 0, money, bundle id or '', currency, destination }        claimed (state settling)
           { 1, money, bundle id or '', currency, ledger key or '' }   committed already (replay)
           { -2, state }                                                RESV_ALREADY_FINAL (released or expired)
           { -5 }                                                       RESV_NOT_FOUND
           { -7 }                                                       SMS_HOLD_EXPIRED (not yet swept)
]]
local hold, live = KEYS[1], KEYS[2]
local h = redis.call('HMGET', hold, 'state', 'money', 'bundle', 'cur', 'dest', 'exp', 'lk')
local state = h[1]
if not state then return { -5 } end
if state == 'committed' then return { 1, tonumber(h[2]), h[3], h[4], h[7] or '' } end
if state ~= 'held' and state ~= 'settling' then return { -2, state } end
if tonumber(h[6]) <= tonumber(ARGV[2]) then return { -7 } end
redis.call('HSET', hold, 'state', 'settling', 'exp', ARGV[3])
redis.call('ZADD', live, ARGV[3], ARGV[1])
return { 0, tonumber(h[2]), h[3], h[4], h[5] }
