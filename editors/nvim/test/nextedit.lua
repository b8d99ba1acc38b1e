-- End-to-end check of lode.nvim's next-edit suggestions in a real,
-- headless Neovim, run by editors/nextedit_test.go in a workspace where
-- greet.go declares greeting and uses it in welcome, and main.go uses it
-- too. lode is found on PATH and runs with the embedded model.
--
-- Environment: LODE_E2E_PLUGIN (editors/nvim), LODE_E2E_OUT (the report
-- file), LODE_E2E_SHOTS (where text snapshots of each state go).
--
-- Keys go through nvim_input, so they take the same path as typed keys.
local env = vim.env

-- describe logs the editor's state when the check fails.
local function describe(log)
  log('state: mode %s, buffer %s, cursor %s, pending %s, marks %s', vim.api.nvim_get_mode().mode, vim.fn.expand('%:t'),
    vim.inspect(vim.api.nvim_win_get_cursor(0)), tostring(require('lode.nextedit').pending()),
    vim.inspect(vim.api.nvim_buf_get_extmarks(0, vim.api.nvim_create_namespace('lode.nextedit'), 0, -1, { details = true })))
  for n, l in ipairs(vim.api.nvim_buf_get_lines(0, 0, -1, false)) do
    log('%3d %s', n, l)
  end
end

local harness = dofile(env.LODE_E2E_PLUGIN .. '/test/harness.lua').new(describe)
local log = harness.log

local lode = require('lode')
lode.setup({ settings = { log = { level = 'debug' } } })
vim.cmd('edit greet.go')

local nextedit = require('lode.nextedit')
local ns = vim.api.nvim_create_namespace('lode.nextedit')

-- marks returns the next-edit extmarks of the buffer: { row, col, end_row,
-- end_col, virt (text), hl, sign }.
local function marks(bufnr)
  local out = {}
  for _, m in ipairs(vim.api.nvim_buf_get_extmarks(bufnr or 0, ns, 0, -1, { details = true })) do
    local d = m[4]
    local virt = {}
    for _, chunk in ipairs(d.virt_text or {}) do
      table.insert(virt, chunk[1])
    end
    table.insert(out, { row = m[2], col = m[3], end_row = d.end_row, end_col = d.end_col, virt = table.concat(virt), hl = d.hl_group, sign = d.sign_text })
  end
  return out
end

-- shown returns the replacement texts shown in the buffer, joined.
local function shown(bufnr)
  local t = {}
  for _, m in ipairs(marks(bufnr)) do
    if m.virt ~= '' then
      table.insert(t, m.virt)
    end
  end
  return table.concat(t, '|')
end

-- snapshot writes what the screen shows into $LODE_E2E_SHOTS/nvim-next-NAME.txt
-- (headless Neovim has no screen to capture): the buffer with the
-- replaced text in ⟪ ⟫, the virtual text in ⟦ ⟧ and the sign column.
local function snapshot(name)
  local buf = vim.api.nvim_get_current_buf()
  local lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
  local signs = {}
  local ms = marks(buf)
  table.sort(ms, function(a, b)
    return a.row > b.row or (a.row == b.row and a.col > b.col)
  end)
  for _, m in ipairs(ms) do
    local l = lines[m.row + 1]
    if m.sign then
      signs[m.row + 1] = vim.trim(m.sign)
    end
    if m.virt ~= '' then
      local col = m.col
      if m.virt:find('next edit', 1, true) or m.virt:find('^ → ') then
        col = #l
      end
      l = l:sub(1, col) .. '⟦' .. m.virt .. '⟧' .. l:sub(col + 1)
    end
    if m.hl and m.end_row == m.row then
      l = l:sub(1, m.col) .. '⟪' .. l:sub(m.col + 1, m.end_col) .. '⟫' .. l:sub(m.end_col + 1)
    end
    lines[m.row + 1] = l
  end
  local cur = vim.api.nvim_win_get_cursor(0)
  local out = { vim.fn.expand('%:t') }
  for i, l in ipairs(lines) do
    table.insert(out, string.format('%2s %3d%s %s', signs[i] or '', i, i == cur[1] and '>' or ' ', l))
  end
  table.insert(out, string.format('cursor %d:%d mode %s', cur[1], cur[2], vim.api.nvim_get_mode().mode))
  local f = io.open(env.LODE_E2E_SHOTS .. '/nvim-next-' .. name .. '.txt', 'w')
  f:write(table.concat(out, '\n') .. '\n')
  f:close()
end

-- Holding: the client's first lode/nextEdits answer with edits is kept
-- back (held) until the test hands it over, to deliver it after the
-- buffer changed.
local hold, held = false, nil
local function wrap_client(c)
  local request = c.request
  local function holding(method, params, handler)
    if method ~= 'lode/nextEdits' then
      return handler
    end
    return function(err, result, ...)
      if hold and not held and result and #(result.edits or {}) > 0 then
        held = { err = err, result = result, handler = handler, params = params }
        return
      end
      return handler(err, result, ...)
    end
  end
  if vim.fn.has('nvim-0.11') == 1 then -- client methods take self
    c.request = function(self, method, params, handler, bufnr)
      return request(self, method, params, holding(method, params, handler), bufnr)
    end
  else
    c.request = function(method, params, handler, bufnr)
      return request(method, params, holding(method, params, handler), bufnr)
    end
  end
end

local function cursor()
  local c = vim.api.nvim_win_get_cursor(0)
  return c[1], c[2]
end

local function line(n)
  return vim.api.nvim_buf_get_lines(0, n - 1, n, false)[1]
end

local decl, use = 4, 8 -- the lines of greeting's declaration and of its use in welcome
local st = {}

-- type_in_greet puts the cursor at row:col (col 0-based) of greet.go,
-- opened again if another file is shown, and types keys there.
local function type_in_greet(row, col, keys)
  if vim.fn.expand('%:t') ~= 'greet.go' then
    vim.cmd('hide edit greet.go')
  end
  vim.api.nvim_win_set_cursor(0, { row, col })
  vim.api.nvim_input(keys)
end

-- typed_earlier reports whether an earlier call for the step named step
-- typed keys; when none did, it types them now and reports false.
local function typed_earlier(step, keys)
  if st[step] then
    return true
  end
  st[step] = true
  vim.api.nvim_input(keys)
  return false
end

local steps = {
  {
    'lode attaches and initializes',
    function()
      local c = lode.client()
      if not (c ~= nil and c.server_capabilities ~= nil) then
        return false
      end
      wrap_client(c)
      return true
    end,
  },
  {
    'rename greeting at its declaration: "salu" (its answer is held back)',
    function()
      hold = true
      vim.api.nvim_win_set_cursor(0, { decl, 6 })
      vim.api.nvim_input('ciwsalu<Esc>')
      return true
    end,
  },
  {
    'a stale answer (for "salu", arriving after "te" was typed) is not shown',
    function()
      if not held then
        return false
      end
      log('held an answer for version %d: %d edits, first %q', held.params.textDocument.version, #held.result.edits, held.result.edits[1].newText)
      -- One step, so that no newer request can come in between: the
      -- buffer changes, then the old answer arrives.
      local l = line(decl)
      local at = l:find('salu', 1, true)
      vim.api.nvim_buf_set_text(0, decl - 1, at + 3, decl - 1, at + 3, { 'te' })
      held.handler(held.err, held.result, { method = 'lode/nextEdits', client_id = lode.client().id, bufnr = vim.api.nvim_get_current_buf() })
      hold = false
      local now = shown()
      snapshot('0-stale')
      if now ~= '' or nextedit.pending() then
        return string.format('the answer for a version the buffer no longer holds is shown: %q', now)
      end
      log('line %d now reads %q; the stale answer is not shown', decl, line(decl))
      -- TextChanged fires once a key is processed after the change.
      vim.api.nvim_input('<Esc>')
      return true
    end,
  },
  {
    'the suggestion for "salute" appears at the use in welcome, with a sign',
    function()
      local ms = marks()
      local range, virt, sign
      for _, m in ipairs(ms) do
        if m.row == use - 1 then
          range = range or (m.hl and m)
          virt = virt or (m.virt:find('salute', 1, true) and m)
          sign = sign or m.sign
        end
      end
      if not (range and virt) then
        return false
      end
      -- The sign column, as drawn (Neovim 0.9 and later also report an
      -- extmark's sign in its details).
      vim.cmd('redraw')
      local row = vim.fn.screenpos(0, use, 1).row
      sign = sign or vim.trim(vim.fn.screenstring(row, 1) .. vim.fn.screenstring(row, 2))
      if sign ~= '→' then
        return string.format('the sign column shows %q at the suggested edit', sign)
      end
      snapshot('1-suggested')
      local l = line(use)
      log('line %d %q: %q struck (%s), %q shown, sign %q', use, l, l:sub(range.col + 1, range.end_col), range.hl, virt.virt, sign)
      if l:sub(range.col + 1, range.end_col) ~= 'greeting' then
        return 'the highlighted range is not the use of greeting'
      end
      local edits = nextedit.suggestion()
      local other = false
      for _, e in ipairs(edits) do
        other = other or vim.endswith(e.uri, '/main.go')
      end
      if not other then
        return 'no edit proposed in main.go'
      end
      return true
    end,
  },
  {
    '<Tab> jumps to it',
    function()
      if not typed_earlier('jumped', '<Tab>') then
        return false
      end
      local r, c = cursor()
      if r ~= use then
        return false
      end
      log('cursor at %d:%d', r, c)
      if line(use):sub(c + 1, c + 8) ~= 'greeting' then
        return 'the cursor is not at the start of the edit'
      end
      if line(use):find('salute', 1, true) then
        return 'jumping changed the text'
      end
      return true
    end,
  },
  {
    '<Tab> again accepts it; the next edit, in main.go, is hinted at the cursor',
    function()
      if not typed_earlier('accepted', '<Tab>') then
        return false
      end
      if not line(use):find('salute("all")', 1, true) then
        return false
      end
      local hint
      for _, m in ipairs(marks()) do
        if m.virt:find('next edit: main.go:6', 1, true) then
          hint = m
        end
      end
      if not hint then
        return false
      end
      log('line %d reads %q; hint %q on line %d', use, line(use), hint.virt, hint.row + 1)
      snapshot('2-accepted-hint')
      return true
    end,
  },
  {
    '<Tab> jumps to main.go',
    function()
      if not typed_earlier('jumped2', '<Tab>') then
        return false
      end
      if vim.fn.expand('%:t') ~= 'main.go' then
        return false
      end
      local r, c = cursor()
      log('in main.go at %d:%d: %q, shown %q', r, c, line(r), shown())
      snapshot('3-main')
      if line(r):sub(c + 1, c + 8) ~= 'greeting' or not shown():find('salute', 1, true) then
        return 'main.go does not show the edit at the cursor'
      end
      return true
    end,
  },
  {
    '<Tab> accepts it in main.go',
    function()
      if not typed_earlier('accepted2', '<Tab>') then
        return false
      end
      if not line(6):find('salute("lode")', 1, true) then
        return false
      end
      log('main.go line 6 reads %q', line(6))
      return true
    end,
  },
  {
    'add a parameter; <Tab> <Tab> adds the argument at the call and selects its placeholder',
    function()
      if not st.param then
        st.param = 'typed'
        type_in_greet(decl, 0, '0f)i, n int<Esc>')
        return false
      end
      if st.param == 'typed' then
        if not shown():find(', n', 1, true) then
          return false
        end
        snapshot('6-parameter')
        st.param = 'tabbed'
        vim.api.nvim_input('<Tab><Tab>')
        return false
      end
      if not line(use):find('salute("all", n)', 1, true) or vim.api.nvim_get_mode().mode ~= 's' then
        return false
      end
      local from, to = vim.fn.getpos('v'), vim.fn.getpos('.')
      local text = line(use):sub(math.min(from[3], to[3]), math.max(from[3], to[3]))
      log('line %d reads %q; Select mode on %q', use, line(use), text)
      if text ~= 'n' then
        return string.format('the selection is %q, not the placeholder n', text)
      end
      vim.api.nvim_input('<Esc>')
      return true
    end,
  },
  {
    'rename a parameter in greet.go; <Esc> dismisses the suggestion',
    function()
      if not st.renamed then
        st.renamed = true
        type_in_greet(decl, 12, 'ciwwho<Esc>')
        return false
      end
      if not st.dismissed then
        if not shown():find('who', 1, true) then
          return false
        end
        snapshot('4-before-dismiss')
        st.dismissed = line(5)
        vim.api.nvim_input('<Esc>')
        return false
      end
      if #marks() > 0 then
        return false
      end
      if line(5) ~= st.dismissed then
        return 'dismissing changed the text'
      end
      log('dismissed; line 5 still reads %q', line(5))
      snapshot('5-dismissed')
      return true
    end,
  },
  {
    'with no suggestion, <Tab> in Insert mode inserts a tab',
    function()
      if not st.tab then
        st.tab = line(5)
        vim.api.nvim_win_set_cursor(0, { 5, 0 })
        vim.api.nvim_input('A<Tab>x<Esc>')
        return false
      end
      return line(5) == st.tab .. '\tx'
    end,
  },

}

harness.run(steps)
