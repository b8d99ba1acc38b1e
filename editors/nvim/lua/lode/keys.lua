-- Buffer-local keys shared by several features: ghost text and next-edit
-- suggestions both use <Tab>. Each feature registers a handler for a key;
-- a key press runs the handlers in the order they were registered until
-- one returns true, and when none does, the key does what it always does.
local M = {}

-- handlers[bufnr][mode][key] is a list of { name, f }.
local handlers = {}

-- feed types key as if the mapping were not there. It goes in front of
-- the keys typed ahead (`i`): <Tab>abc typed quickly gives a tab, then abc.
function M.feed(key)
  vim.api.nvim_feedkeys(vim.api.nvim_replace_termcodes(key, true, false, true), 'ni', false)
end

local function run(bufnr, mode, key)
  for _, h in ipairs(((handlers[bufnr] or {})[mode] or {})[key] or {}) do
    if h.f(bufnr) then
      return
    end
  end
  M.feed(key)
end

-- map registers f (called with bufnr; true when it used the key) for key
-- in mode for the buffer, replacing the handler of the same name. A false
-- or nil key maps nothing.
function M.map(bufnr, mode, key, name, f, desc)
  if not key or key == '' then
    return
  end
  if not handlers[bufnr] then
    handlers[bufnr] = {}
    vim.api.nvim_create_autocmd('BufWipeout', {
      buffer = bufnr,
      once = true,
      callback = function()
        handlers[bufnr] = nil
      end,
    })
  end
  handlers[bufnr][mode] = handlers[bufnr][mode] or {}
  local list = handlers[bufnr][mode][key] or {}
  handlers[bufnr][mode][key] = list
  for i, h in ipairs(list) do
    if h.name == name then
      list[i] = { name = name, f = f }
      return
    end
  end
  table.insert(list, { name = name, f = f })
  vim.keymap.set(mode, key, function()
    run(bufnr, mode, key)
  end, { buffer = bufnr, desc = 'lode: ' .. (desc or name) })
end

return M
