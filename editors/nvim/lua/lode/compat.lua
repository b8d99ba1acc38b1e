-- The few Neovim APIs whose form changed between 0.7 and 0.12, in one
-- place: client methods (0.11 made them methods), client lookup (0.10),
-- starting a client (0.8 added vim.lsp.start) and UTF index conversions
-- (0.11 added the encoding argument).
local M = {}

local has_011 = vim.fn.has('nvim-0.11') == 1
local has_010 = vim.fn.has('nvim-0.10') == 1

M.uv = vim.uv or vim.loop

function M.request(client, method, params, handler, bufnr)
  if has_011 then
    return client:request(method, params, handler, bufnr)
  end
  return client.request(method, params, handler, bufnr)
end

function M.notify(client, method, params)
  if has_011 then
    return client:notify(method, params)
  end
  return client.notify(method, params)
end

function M.cancel(client, id)
  if has_011 then
    return client:cancel_request(id)
  end
  return client.cancel_request(id)
end

function M.stopped(client)
  if has_011 then
    return client:is_stopped()
  end
  return client.is_stopped()
end

-- version returns the buffer's version as the client last sent it to the
-- server (didOpen, didChange).
function M.version(bufnr)
  local versions = vim.lsp.util.buf_versions
  return (versions and versions[bufnr]) or vim.api.nvim_buf_get_changedtick(bufnr)
end

-- clients returns the clients named name, of the buffer bufnr when given.
function M.clients(name, bufnr)
  if has_010 then
    return vim.lsp.get_clients({ name = name, bufnr = bufnr })
  end
  local all = bufnr and vim.lsp.buf_get_clients(bufnr) or vim.lsp.get_active_clients()
  local out = {}
  for _, c in pairs(all) do
    if c.name == name then
      table.insert(out, c)
    end
  end
  return out
end

-- started maps a root folder to the id of the lode client started for it.
local started = {}

-- start starts a client for config and attaches bufnr, reusing the client
-- started for the same root, even one that has not finished initializing
-- (BufReadPost and FileType both attach a new buffer, the second before
-- the first's client has answered initialize). It returns the client id.
function M.start(config, bufnr)
  local key = config.name .. '\0' .. tostring(config.root_dir)
  local id = started[key]
  local running = id and vim.lsp.get_client_by_id(id)
  if running and not M.stopped(running) then
    vim.lsp.buf_attach_client(bufnr, id)
    return id
  end
  if vim.lsp.start then
    id = vim.lsp.start(config, { bufnr = bufnr })
  else
    id = vim.lsp.start_client(config)
    if id then
      vim.lsp.buf_attach_client(bufnr, id)
    end
  end
  started[key] = id
  return id
end

-- utf_index converts byte column col of line to the encoding's units.
function M.utf_index(line, col, encoding)
  if encoding == 'utf-8' then
    return col
  end
  col = math.min(col, #line)
  if has_011 then
    return vim.str_utfindex(line, encoding, col, false)
  end
  local utf32, utf16 = vim.str_utfindex(line, col)
  return encoding == 'utf-32' and utf32 or utf16
end

-- byte_index converts index (in the encoding's units) of line to a byte
-- column, clamped to the line.
function M.byte_index(line, index, encoding)
  if encoding == 'utf-8' then
    return math.min(index, #line)
  end
  local ok, col
  if has_011 then
    ok, col = pcall(vim.str_byteindex, line, encoding, index, false)
  else
    ok, col = pcall(vim.str_byteindex, line, index, encoding == 'utf-16')
  end
  return ok and math.min(col, #line) or #line
end

return M
