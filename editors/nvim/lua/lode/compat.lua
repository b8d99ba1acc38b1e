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

function M.cancel(client, id)
  if has_011 then
    return client:cancel_request(id)
  end
  return client.cancel_request(id)
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

-- start starts a client for config and attaches bufnr, reusing a running
-- client with the same name and root. It returns the client id.
function M.start(config, bufnr)
  if vim.lsp.start then
    return vim.lsp.start(config, { bufnr = bufnr })
  end
  for _, c in ipairs(M.clients(config.name)) do
    if c.config.root_dir == config.root_dir then
      vim.lsp.buf_attach_client(bufnr, c.id)
      return c.id
    end
  end
  local id = vim.lsp.start_client(config)
  if id then
    vim.lsp.buf_attach_client(bufnr, id)
  end
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
