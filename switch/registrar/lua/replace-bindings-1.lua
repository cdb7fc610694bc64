--[[
  Compare-and-set of all bindings of one address-of-record: the caller read the hash with its
  version, decided the new bindings, and writes them only if nobody changed the hash meanwhile.

  KEYS[1] bindings hash of the AOR (field -> JSON binding, plus field "~version")

  ARGV[1] version the caller read ("0" when the hash did not exist)
  ARGV[2] time to live of the hash, ms (0 = delete the hash: no bindings left)
  ARGV[3], ARGV[4], ... binding key, JSON binding, ...

  Returns 1 when written, 0 when the version changed (the caller re-reads and retries).
]]
local current = redis.call('HGET', KEYS[1], '~version') or '0'
if current ~= ARGV[1] then
  return 0
end
redis.call('DEL', KEYS[1])
local ttl = tonumber(ARGV[2])
if ttl > 0 then
  local fields = { '~version', tostring(tonumber(current) + 1) }
  for i = 3, #ARGV do
    fields[#fields + 1] = ARGV[i]
  end
  redis.call('HSET', KEYS[1], unpack(fields))
  redis.call('PEXPIRE', KEYS[1], ttl)
end
return 1
