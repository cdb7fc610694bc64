--[[
  Finishes a call's reservation after its debit is committed in PostgreSQL: releases the whole
  hold, gives unused bundle seconds back, and moves the money balance to the post-debit ledger
  balance when that is newer than what Redis holds. Idempotent: a second commit is a no-op.

  KEYS[1]  balance hash      rater:bal:{<tenant>}
  KEYS[2]  reservation hash  rater:resv:{<tenant>}:<call id>
  KEYS[3]  live sorted set   rater:live
  ARGV[1]  member for KEYS[3]: "<tenant>|<call id>"
  ARGV[2]  ledger balance after the debit, minor units ('' when the call cost nothing)
  ARGV[3]  ledger version after the debit ('' when the call cost nothing)
  ARGV[4]  milliseconds to keep the finished reservation for inspection
  ARGV[5]  final state: 'committed' or 'released'
  ARGV[6…] pairs: bundle id, seconds used

  Returns  { 0, money that was held }   done
           { 1, 0 }                     already committed or released (idempotent replay)
           { -5, 0 }                    RESV_NOT_FOUND
]]
local bal, resv, live = KEYS[1], KEYS[2], KEYS[3]
local state = redis.call('HGET', resv, 'state')
if not state then return { -5, 0 } end
if state ~= 'live' then return { 1, 0 } end
local held = tonumber(redis.call('HGET', resv, 'money') or '0')
if held ~= 0 then redis.call('HINCRBY', bal, 'rsv', 0 - held) end
local used = {}
for i = 6, #ARGV, 2 do used[ARGV[i]] = tonumber(ARGV[i + 1]) end
local fields = redis.call('HGETALL', resv)
for i = 1, #fields, 2 do
  local f = fields[i]
  if string.sub(f, 1, 5) == 'bsec:' then
    local id = string.sub(f, 6)
    local back = tonumber(fields[i + 1]) - (used[id] or 0)
    if back ~= 0 then redis.call('HINCRBY', bal, 'b:' .. id, back) end
  end
end
if ARGV[3] ~= '' and tonumber(ARGV[3]) > tonumber(redis.call('HGET', bal, 'ver') or '-1') then
  redis.call('HSET', bal, 'bal', ARGV[2], 'ver', ARGV[3])
end
redis.call('HSET', resv, 'state', ARGV[5])
redis.call('PEXPIRE', resv, ARGV[4])
redis.call('ZREM', live, ARGV[1])
return { 0, held }
