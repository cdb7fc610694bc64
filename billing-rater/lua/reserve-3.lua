--[[
  Reserves (or extends) a call's hold on a tenant's money and bundle seconds. All or nothing:
  either every delta fits and is applied, or nothing changes. Used at answer and at every
  extension. The caller computes the deltas (rating is TypeScript, not Lua).

  KEYS[1]  balance hash      rater:bal:{<tenant>}
  KEYS[2]  reservation hash  rater:resv:{<tenant>}:<call id>
  KEYS[3]  live sorted set   rater:live (member "<tenant>|<call id>", score = expiry ms)
  ARGV[1]  member for KEYS[3]: "<tenant>|<call id>"
  ARGV[2]  now, epoch ms (from the caller's Clock)
  ARGV[3]  reservation expiry, epoch ms (now + TTL)
  ARGV[4]  money delta, minor units (≥ 0)
  ARGV[5]  owner id (rater instance)
  ARGV[6]  seconds of call now covered by the reservation
  ARGV[7]  answer time, epoch ms
  ARGV[8…] pairs: bundle id, seconds delta (≥ 0)

  Returns  { 0, available money after }             reserved
           { -1, available money }                  RESV_INSUFFICIENT_FUNDS (money)
           { -4, available money }                  RESV_INSUFFICIENT_FUNDS (bundle seconds or bundle expired)
           { -2, 0 }                                RESV_ALREADY_FINAL
           { -3, 0 }                                RESV_BALANCE_NOT_LOADED
]]
local bal, resv, live = KEYS[1], KEYS[2], KEYS[3]
local now = tonumber(ARGV[2])
local money = tonumber(ARGV[4])
if redis.call('EXISTS', bal) == 0 or not redis.call('HGET', bal, 'bal') then return { -3, 0 } end
local state = redis.call('HGET', resv, 'state')
if state and state ~= 'live' then return { -2, 0 } end
local available = tonumber(redis.call('HGET', bal, 'bal')) - tonumber(redis.call('HGET', bal, 'rsv') or '0')
for i = 8, #ARGV, 2 do
  local have = tonumber(redis.call('HGET', bal, 'b:' .. ARGV[i]) or '0')
  local expires = tonumber(redis.call('HGET', bal, 'bx:' .. ARGV[i]) or '0')
  if have < tonumber(ARGV[i + 1]) or expires <= now then return { -4, available } end
end
if available < money then return { -1, available } end
redis.call('HINCRBY', bal, 'rsv', money)
redis.call('HINCRBY', resv, 'money', money)
for i = 8, #ARGV, 2 do
  local d = tonumber(ARGV[i + 1])
  if d > 0 then
    redis.call('HINCRBY', bal, 'b:' .. ARGV[i], -d)
    redis.call('HINCRBY', resv, 'bsec:' .. ARGV[i], d)
  end
end
redis.call('HSET', resv, 'state', 'live', 'exp', ARGV[3], 'owner', ARGV[5], 'covered', ARGV[6], 'answeredAt', ARGV[7], 'lastAt', ARGV[2])
redis.call('ZADD', live, ARGV[3], ARGV[1])
return { 0, available - money }
