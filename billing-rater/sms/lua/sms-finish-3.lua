--[[
  Ends an SMS hold: committed (the debit or the bundle message is in PostgreSQL), released (the
  message failed; only from held) or expired (the hold lapsed without a debit). Gives the held money back to the
  available balance; a bundle message comes back unless committed. The ledger balance after a debit
  moves the mirror when its version is newer — also when the hold had already ended, so a debit
  that raced with the sweeper still reaches the mirror. Idempotent: a second finish is a no-op.

  KEYS[1]  balance hash  rater:bal:{<tenant>}
  KEYS[2]  hold hash     rater:smsh:{<tenant>}:<message id>
  KEYS[3]  live holds    rater:sms:live
  ARGV[1]  member for KEYS[3]: "<tenant>|<message id>"
  ARGV[2]  final state: 'committed', 'released' or 'expired'
  ARGV[3]  ledger balance + credit limit after the debit, minor units ('' when no money moved)
  ARGV[4]  its ledger version ('' when no money moved)
  ARGV[5]  ledger idempotency key of the charge ('' when nothing was charged)
  ARGV[6]  milliseconds to keep the ended hold for replays

  Returns  { 0, money that was held }   ended now
           { 1, 0 }                     ended before (idempotent replay)
           { -5, 0 }                    RESV_NOT_FOUND
]]
local bal, hold, live = KEYS[1], KEYS[2], KEYS[3]
if ARGV[4] ~= '' and redis.call('HEXISTS', bal, 'bal') == 1 and tonumber(ARGV[4]) > tonumber(redis.call('HGET', bal, 'ver') or '-1') then
  redis.call('HSET', bal, 'bal', ARGV[3], 'ver', ARGV[4])
end
local h = redis.call('HMGET', hold, 'state', 'money', 'bundle')
local state = h[1]
if not state then return { -5, 0 } end
if state ~= 'held' and state ~= 'settling' then return { 1, 0 } end
-- a settle that is writing the debit (settling) cannot be released, only committed or expired
if state == 'settling' and ARGV[2] == 'released' then return { 1, 0 } end
local money = tonumber(h[2])
if money ~= 0 then redis.call('HINCRBY', bal, 'rsv', 0 - money) end
if h[3] ~= '' and ARGV[2] ~= 'committed' then redis.call('HINCRBY', bal, 'm:' .. h[3], 1) end
redis.call('HSET', hold, 'state', ARGV[2], 'lk', ARGV[5])
redis.call('PEXPIRE', hold, ARGV[6])
redis.call('ZREM', live, ARGV[1])
return { 0, money }
