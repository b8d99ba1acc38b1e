-- Ghost text: lode's textDocument/inlineCompletion answers shown as
-- extmarks at the cursor, with accept / next / prev / dismiss.
--
-- On Neovim 0.12 and later, vim.lsp.inline_completion does the work and
-- this module only maps the keys to it.
local M = {}

local compat = require('lode.compat')
local ns = vim.api.nvim_create_namespace('lode.ghost')
local has_inline = vim.fn.has('nvim-0.10') == 1

-- per-buffer state: { client, timer, request, items, index, row, col, tick, mark }
local state = {}

local function config()
  return require('lode').config
end

local function native()
  local ic = vim.lsp.inline_completion
  return config().ghost.native and ic ~= nil and type(ic.enable) == 'function' and ic or nil
end

local function line_at(bufnr, row)
  return vim.api.nvim_buf_get_lines(bufnr, row, row + 1, false)[1] or ''
end

function M.clear(bufnr)
  local s = state[bufnr]
  if not s then
    return
  end
  vim.api.nvim_buf_clear_namespace(bufnr, ns, 0, -1)
  s.items, s.index, s.mark = nil, nil, nil
end

local function cancel(s)
  if s.request and s.client then
    compat.cancel(s.client, s.request)
  end
  s.request = nil
end

-- item_edit turns an InlineCompletionItem into the edit it makes: replace
-- bytes [start_col, end_col) of row with text. Only single-line ranges on
-- the cursor's row are taken; others are skipped.
local function item_edit(s, bufnr, item)
  local text = item.insertText
  if type(text) == 'table' then
    text = text.value
  end
  if type(text) ~= 'string' or text == '' then
    return nil
  end
  local line = line_at(bufnr, s.row)
  local start_col, end_col = s.col, s.col
  if item.range then
    local r = item.range
    if r.start.line ~= s.row or r['end'].line ~= s.row then
      return nil
    end
    local enc = s.client.offset_encoding
    start_col = compat.byte_index(line, r.start.character, enc)
    end_col = compat.byte_index(line, r['end'].character, enc)
  end
  local typed = line:sub(start_col + 1, s.col)
  if start_col > s.col or text:sub(1, #typed) ~= typed then
    return nil
  end
  return { start_col = start_col, end_col = math.max(end_col, s.col), text = text, ghost = text:sub(#typed + 1), command = item.command }
end

local function render(bufnr)
  local s = state[bufnr]
  vim.api.nvim_buf_clear_namespace(bufnr, ns, 0, -1)
  local e = s.items[s.index]
  local lines = vim.split(e.ghost, '\n', true)
  local first = { { lines[1], 'LodeGhost' } }
  if #s.items > 1 then
    table.insert(first, { string.format(' (%d/%d)', s.index, #s.items), 'LodeGhost' })
  end
  local opts = { virt_text = first, hl_mode = 'combine' }
  local line = line_at(bufnr, s.row)
  if has_inline then
    opts.virt_text_pos = 'inline'
  elseif s.col >= #line then
    opts.virt_text_pos = 'overlay'
  else
    opts.virt_text_pos = 'eol'
  end
  if #lines > 1 then
    opts.virt_lines = {}
    for i = 2, #lines do
      table.insert(opts.virt_lines, { { lines[i], 'LodeGhost' } })
    end
  end
  s.mark = vim.api.nvim_buf_set_extmark(bufnr, ns, s.row, s.col, opts)
end

local function on_result(bufnr, tick, row, col)
  return function(err, result)
    local s = state[bufnr]
    if not s or err or not result then
      return
    end
    s.request = nil
    local cursor = vim.api.nvim_win_get_cursor(0)
    local stale = vim.api.nvim_get_current_buf() ~= bufnr
      or vim.api.nvim_buf_get_changedtick(bufnr) ~= tick
      or cursor[1] - 1 ~= row
      or cursor[2] ~= col
      or not vim.startswith(vim.api.nvim_get_mode().mode, 'i')
    if stale then
      return
    end
    local items = {}
    for _, item in ipairs(result.items or result) do
      local e = item_edit(s, bufnr, item)
      if e and e.ghost ~= '' then
        table.insert(items, e)
      end
    end
    if #items == 0 then
      return
    end
    s.items, s.index = items, 1
    render(bufnr)
  end
end

-- request asks lode for inline completions at the cursor. kind is the
-- InlineCompletionTriggerKind: 1 invoked, 2 automatic.
function M.request(bufnr, kind)
  local s = state[bufnr]
  if not s or not require('lode').enabled(vim.bo[bufnr].filetype) then
    return
  end
  cancel(s)
  M.clear(bufnr)
  local cursor = vim.api.nvim_win_get_cursor(0)
  s.row, s.col = cursor[1] - 1, cursor[2]
  local line = line_at(bufnr, s.row)
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    position = { line = s.row, character = compat.utf_index(line, s.col, s.client.offset_encoding) },
    context = { triggerKind = kind },
  }
  local tick = vim.api.nvim_buf_get_changedtick(bufnr)
  local ok, id = compat.request(s.client, 'textDocument/inlineCompletion', params, on_result(bufnr, tick, s.row, s.col), bufnr)
  if ok then
    s.request = id
  end
end

local function schedule(bufnr)
  local s = state[bufnr]
  s.timer:stop()
  if s.partial == vim.api.nvim_buf_get_changedtick(bufnr) then
    return -- our own partial accept: the rest stays on screen
  end
  if not require('lode').enabled(vim.bo[bufnr].filetype) then
    return
  end
  s.timer:start(config().ghost.debounce_ms, 0, vim.schedule_wrap(function()
    if vim.api.nvim_buf_is_valid(bufnr) and vim.api.nvim_get_current_buf() == bufnr
      and vim.startswith(vim.api.nvim_get_mode().mode, 'i') then
      M.request(bufnr, 2)
    end
  end))
end

-- visible reports whether ghost text is shown in the buffer.
function M.visible(bufnr)
  local s = state[bufnr or vim.api.nvim_get_current_buf()]
  return s ~= nil and s.items ~= nil
end

-- shown_item returns the buffer (the current one when bufnr is nil), its
-- ghost state and the completion shown, or no completion when none is.
local function shown_item(bufnr)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  local s = state[bufnr]
  if not s or not s.items then
    return bufnr, s, nil
  end
  return bufnr, s, s.items[s.index]
end

-- accept inserts the shown completion and returns true, or returns false
-- when none is shown.
function M.accept(bufnr)
  local s, e
  bufnr, s, e = shown_item(bufnr)
  if not e then
    return false
  end
  local row = s.row
  M.clear(bufnr)
  local lines = vim.split(e.text, '\n', true)
  vim.api.nvim_buf_set_text(bufnr, row, e.start_col, row, e.end_col, lines)
  local last = #lines == 1 and e.start_col + #lines[1] or #lines[#lines]
  vim.api.nvim_win_set_cursor(0, { row + #lines, last })
  if type(e.command) == 'table' and (e.command.command or '') ~= '' then
    compat.request(s.client, 'workspace/executeCommand', e.command, function() end, bufnr)
  end
  return true
end

-- accept_part inserts the start of the shown completion that pattern
-- matches (a word, or the rest of the line) and keeps the rest on screen.
-- It returns false when no completion is shown.
local function accept_part(bufnr, part_of)
  local s, e
  bufnr, s, e = shown_item(bufnr)
  if not e then
    return false
  end
  local part = part_of(e.ghost)
  if part == '' or part == e.ghost then
    return M.accept(bufnr)
  end
  local rest = e.ghost:sub(#part + 1)
  local lines = vim.split(part, '\n', true)
  local row = s.row + #lines - 1
  local col = #lines == 1 and s.col + #part or #lines[#lines]
  -- The state moves first: the cursor and text changes below are ours.
  local old_row, old_col = s.row, s.col
  s.row, s.col = row, col
  vim.api.nvim_buf_set_text(bufnr, old_row, old_col, old_row, old_col, lines)
  s.partial = vim.api.nvim_buf_get_changedtick(bufnr)
  vim.api.nvim_win_set_cursor(0, { row + 1, col })
  local tail = e.end_col - old_col -- text after the cursor the item replaces
  s.items = { { start_col = col, end_col = col + math.max(tail, 0), text = rest, ghost = rest, command = e.command } }
  s.index = 1
  render(bufnr)
  return true
end

-- accept_word inserts the next word of the shown completion.
function M.accept_word(bufnr)
  return accept_part(bufnr, function(g)
    return g:match('^%s*[%w_]+') or g:match('^%s*[^%w_%s]+') or g
  end)
end

-- accept_line inserts the shown completion up to the end of its line (the
-- next line when it starts with a line break).
function M.accept_line(bufnr)
  return accept_part(bufnr, function(g)
    return g:match('^\n?[^\n]*') or g
  end)
end

-- cycle shows the next (step 1) or previous (step -1) candidate; with only
-- one, it asks lode for more (an explicit request).
function M.cycle(bufnr, step)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  local s = state[bufnr]
  if not s then
    return
  end
  if not s.items or #s.items < 2 then
    M.request(bufnr, 1)
    return
  end
  s.index = (s.index - 1 + step) % #s.items + 1
  render(bufnr)
end

function M.dismiss(bufnr)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  if not state[bufnr] or state[bufnr].native then
    return false
  end
  local s = state[bufnr]
  if not s or not s.items then
    return false
  end
  cancel(s)
  M.clear(bufnr)
  return true
end

local shared_keys = require('lode.keys')

local function map(bufnr, key, f)
  shared_keys.map(bufnr, 'i', key, 'ghost', f, 'ghost text')
end

local function map_native(bufnr, ic)
  local keys = config().keymaps
  if keys.accept then
    map(bufnr, keys.accept, function(b)
      return ic.get({ bufnr = b })
    end)
  end
  local move = ic.select or ic.jump
  for key, count in pairs({ [keys.next or ''] = 1, [keys.prev or ''] = -1 }) do
    if key ~= '' and move then
      vim.keymap.set('i', key, function()
        move({ bufnr = bufnr, count = count })
      end, { buffer = bufnr, desc = 'lode: next/previous inline completion' })
    end
  end
end

function M.attach(client, bufnr)
  if not config().ghost.enabled or state[bufnr] then
    return
  end
  local ic = native()
  if ic then
    ic.enable(true, { bufnr = bufnr })
    state[bufnr] = { client = client, native = true }
    map_native(bufnr, ic)
    return
  end
  state[bufnr] = { client = client, timer = compat.uv.new_timer() }
  local keys = config().keymaps
  map(bufnr, keys.accept, M.accept)
  map(bufnr, keys.accept_word, M.accept_word)
  map(bufnr, keys.accept_line, M.accept_line)
  map(bufnr, keys.dismiss, M.dismiss)
  if keys.next then
    vim.keymap.set('i', keys.next, function() M.cycle(bufnr, 1) end, { buffer = bufnr, desc = 'lode: next completion' })
  end
  if keys.prev then
    vim.keymap.set('i', keys.prev, function() M.cycle(bufnr, -1) end, { buffer = bufnr, desc = 'lode: previous completion' })
  end
  local group = vim.api.nvim_create_augroup('lode.ghost.' .. bufnr, { clear = true })
  vim.api.nvim_create_autocmd('TextChangedI', { group = group, buffer = bufnr, callback = function() schedule(bufnr) end })
  vim.api.nvim_create_autocmd('CursorMovedI', {
    group = group,
    buffer = bufnr,
    callback = function()
      local s = state[bufnr]
      local c = vim.api.nvim_win_get_cursor(0)
      if s.items and (c[1] - 1 ~= s.row or c[2] ~= s.col) then
        M.dismiss(bufnr)
      end
    end,
  })
  vim.api.nvim_create_autocmd({ 'InsertLeave', 'BufLeave' }, {
    group = group,
    buffer = bufnr,
    callback = function()
      local s = state[bufnr]
      s.timer:stop()
      cancel(s)
      M.clear(bufnr)
    end,
  })
  vim.api.nvim_create_autocmd('BufUnload', {
    group = group,
    buffer = bufnr,
    callback = function()
      local s = state[bufnr]
      state[bufnr] = nil
      s.timer:stop()
      s.timer:close()
      vim.api.nvim_del_augroup_by_id(group)
    end,
  })
end

return M
