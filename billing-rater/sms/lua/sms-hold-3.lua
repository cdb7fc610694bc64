--[[
  Holds one SMS: one message of the first usable SMS bundle, else the message price against the
  tenant's money — the same available money as call reservations (bal − rsv), so calls and SMS can
  never together spend more than balance + credit limit. All or nothing. Idempotent per message:
  while the hold is live, or once it is committed, a repeat returns the same hold; a released or
  expired hold is taken afresh (nothing was charged for it).

  KEYS[1]  balance hash   rater:bal:{<tenant>} (load-balance-1.lua; SMS bundles add m:<id>, mx:<id>)
  KEYS[2]  hold hash      rater:smsh:{<tenant>}:<message id>
  KEYS[3]  live holds     rater:sms:live (member "<tenant>|<message id>", score = hold expiry ms)
  ARGV[1]  member for KEYS[3]
  ARGV[2]  now, epoch ms (from the caller's Clock)
  ARGV[3]  hold expiry, epoch ms (now + TTL)
  ARGV[4]  price, minor units (≥ 0), or -1 when the plan sells no SMS (only a bundle may pay)
  ARGV[5]  currency
  ARGV[6]  destination (for the ledger's description)
  ARGV[7…] triples in preference order (soonest expiry first): SMS bundle id, messages remaining in
           PostgreSQL (seeds m:<id> only when Redis does not hold it yet: the Redis figure is net of
           live holds), bundle expiry epoch ms

  Returns  { 0, available after, money held, bundle id or '', hold expiry }   held
           { 1, available, money held, bundle id or '', hold expiry }         live or committed already (replay)
           { -1, available }                                                  RESV_INSUFFICIENT_FUNDS
           { -3, 0 }                                                          RESV_BALANCE_NOT_LOADED
           { -8, available }                                                  SMS_NO_PRICE (no bundle, no price)
]]
local bal, hold, live = KEYS[1], KEYS[2], KEYS[3]
local now = tonumber(ARGV[2])
local price = tonumber(ARGV[4])
if not redis.call('HGET', bal, 'bal') then return { -3, 0 } end
local available = tonumber(redis.call('HGET', bal, 'bal')) - tonumber(redis.call('HGET', bal, 'rsv') or '0')
local state = redis.call('HGET', hold, 'state')
if state == 'held' or state == 'settling' or state == 'committed' then
  local h = redis.call('HMGET', hold, 'money', 'bundle', 'exp')
  return { 1, available, tonumber(h[1]), h[2] or '', tonumber(h[3]) }
end
local bundle = ''
for i = 7, #ARGV, 3 do
  local field = 'm:' .. ARGV[i]
  redis.call('HSETNX', bal, field, ARGV[i + 1])
  redis.call('HSET', bal, 'mx:' .. ARGV[i], ARGV[i + 2])
  if tonumber(ARGV[i + 2]) > now and tonumber(redis.call('HGET', bal, field)) > 0 then
    bundle = ARGV[i]
    break
  end
end
local money = 0
if bundle ~= '' then
  redis.call('HINCRBY', bal, 'm:' .. bundle, -1)
else
  if price < 0 then return { -8, available } end
  if available < price then return { -1, available } end
  money = price
  if money > 0 then redis.call('HINCRBY', bal, 'rsv', money) end
end
redis.call('DEL', hold)
redis.call('HSET', hold, 'state', 'held', 'money', money, 'bundle', bundle, 'cur', ARGV[5], 'dest', ARGV[6], 'exp', ARGV[3])
redis.call('ZADD', live, ARGV[3], ARGV[1])
return { 0, available - money, money, bundle, tonumber(ARGV[3]) }
