--[[
  Loads or refreshes a tenant's balance mirror from PostgreSQL.
  The money balance is replaced only when the given ledger version is newer than the stored one,
  so a stale read can never overwrite a newer balance. Bundles are added only when absent
  (their Redis value is already net of live reservations).

  KEYS[1]  balance hash  rater:bal:{<tenant>}
  ARGV[1]  ledger version of the balance (integer, strictly increasing per account)
  ARGV[2]  balance, minor units (PostgreSQL)
  ARGV[3]  currency (ISO 4217)
  ARGV[4…] triples: bundle id, seconds remaining, expiry epoch ms

  Returns  { 0, available money minor (balance − reserved) }
]]
local bal = KEYS[1]
local ver = tonumber(ARGV[1])
local stored = tonumber(redis.call('HGET', bal, 'ver') or '-1')
if ver > stored then
  redis.call('HSET', bal, 'bal', ARGV[2], 'ver', ARGV[1], 'cur', ARGV[3])
end
redis.call('HSETNX', bal, 'rsv', '0')
for i = 4, #ARGV, 3 do
  redis.call('HSETNX', bal, 'b:' .. ARGV[i], ARGV[i + 1])
  redis.call('HSET', bal, 'bx:' .. ARGV[i], ARGV[i + 2])
end
local available = tonumber(redis.call('HGET', bal, 'bal')) - tonumber(redis.call('HGET', bal, 'rsv'))
return { 0, available }
