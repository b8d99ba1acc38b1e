-- End-to-end check of lode.nvim in a real, headless Neovim, run by
-- editors/e2e_test.go:
--
--   nvim --headless --clean -u NONE -c 'luafile e2e.lua'
--
-- lode is found on PATH (the test puts it there). Environment:
-- LODE_E2E_LINE (the empty line
-- of main.go to type on), LODE_E2E_GHOST (the ghost text
-- the fake model's completion must show), LODE_E2E_EXPLAIN (a string the
-- explanation float must contain), LODE_E2E_OUT (the report file),
-- LODE_E2E_PLUGIN (editors/nvim), LODE_E2E_INSTRUCTION and
-- LODE_E2E_REWRITTEN (the :LodeSuggest rewrite and the line it must
-- produce), LODE_E2E_MODEL (the model the status names),
-- LODE_E2E_CANDIDATES (an explicit request's candidates, one a line),
-- LODE_E2E_CONTROL (the fake model's controls: /count, /delay?ms=N, /stop),
-- LODE_E2E_SHOTS (where text snapshots of each state go).
--
-- Keys go through nvim_input, so they take the same path as typed keys:
-- autocommands, mappings and timers run as they do for a person.
local env = vim.env
local harness = dofile(env.LODE_E2E_PLUGIN .. '/test/harness.lua').new()
local log = harness.log

local lode = require('lode')
lode.setup({
  settings = { log = { level = 'debug' } },
})
-- Opened after setup, as from a user's init.lua: BufReadPost and FileType
-- both attach it, the second before the server has initialized.
vim.cmd('edit main.go')

local function control(what)
  return vim.fn.system({ 'curl', '-sf', env.LODE_E2E_CONTROL .. what })
end

-- floats returns the floating windows, in order, each as { win, lines,
-- text (the lines joined) }.
local function floats()
  local out = {}
  for _, w in ipairs(vim.api.nvim_list_wins()) do
    if vim.api.nvim_win_get_config(w).relative ~= '' then
      local lines = vim.api.nvim_buf_get_lines(vim.api.nvim_win_get_buf(w), 0, -1, false)
      table.insert(out, { win = w, lines = lines, text = table.concat(lines, '\n') })
    end
  end
  return out
end

local function ghost_text()
  local marks = vim.api.nvim_buf_get_extmarks(0, vim.api.nvim_create_namespace('lode.ghost'), 0, -1, { details = true })
  if #marks == 0 then
    return nil
  end
  local d = marks[1][4]
  return d.virt_text and d.virt_text[1][1] or ''
end

-- latency_step measures keystroke-to-ghost 20 times: a new line, "fmt",
-- then the time from the "." to ghost text that ok accepts, sampled by a
-- 2 ms timer. Each line differs, so no answer comes from a cache.
local function latency_step(label, ok)
  local st
  return {
    'latency, ' .. label,
    function()
      if not st then
        st = { n = 0, times = {}, misses = 0 }
        local poll = vim.loop.new_timer()
        local function next_sample()
          if st.n == 20 then
            poll:stop()
            poll:close()
            st.done = true
            return
          end
          st.n = st.n + 1
          vim.api.nvim_input(string.format('<Esc>ov%d := fmt', st.n))
          vim.defer_fn(function()
            st.t0 = vim.loop.hrtime()
            st.waiting = true
            vim.api.nvim_input('.')
          end, 400)
        end
        poll:start(2, 2, vim.schedule_wrap(function()
          if not st.waiting then
            return
          end
          local g = ghost_text()
          local ms = (vim.loop.hrtime() - st.t0) / 1e6
          if g and ok(g) then
            table.insert(st.times, ms)
            vim.api.nvim_input('<Tab>') -- accepted, so that the lines teach the embedded model
          elseif ms > 10000 then
            st.misses = st.misses + 1
          else
            return
          end
          st.waiting = false
          next_sample()
        end))
        next_sample()
        return false
      end
      if not st.done then
        return false
      end
      table.sort(st.times)
      local p50 = #st.times > 0 and st.times[math.floor((#st.times + 1) / 2)] or 0 / 0
      local line = string.format('LATENCY nvim %s: p50 %.0f ms over %d samples (%d without ghost text); all: %s', label, p50, #st.times, st.misses,
        table.concat(vim.tbl_map(function(x) return string.format('%.0f', x) end, st.times), ' '))
      log('%s', line)
      vim.api.nvim_input('<Esc>')
      return true
    end,
    120000,
  }
end

local ghost_ns = vim.api.nvim_create_namespace('lode.ghost')

local line_nr = tonumber(env.LODE_E2E_LINE)
local typed_again, dismissed, tabbed, previewed, partial, cycled, toggled, stopped, switched -- state of the multi-key steps

-- snapshot writes what the screen shows into $LODE_E2E_SHOTS/nvim-NAME.txt
-- (headless Neovim has no screen to capture): the lines around the cursor
-- with the ghost text in ⟦ ⟧, every float, and the status line.
local function snapshot(name)
  if not env.LODE_E2E_SHOTS then
    return
  end
  local out = {}
  local buf = vim.api.nvim_get_current_buf()
  local cur = vim.api.nvim_win_get_cursor(0)
  local first = math.max(0, cur[1] - 8)
  local lines = vim.api.nvim_buf_get_lines(buf, first, cur[1] + 3, false)
  local marks = vim.api.nvim_buf_get_extmarks(buf, vim.api.nvim_create_namespace('lode.ghost'), 0, -1, { details = true })
  for _, m in ipairs(marks) do
    local row, col, d = m[2], m[3], m[4]
    local i = row - first + 1
    if lines[i] then
      local virt = {}
      for _, chunk in ipairs(d.virt_text or {}) do
        table.insert(virt, chunk[1])
      end
      lines[i] = lines[i]:sub(1, col) .. '⟦' .. table.concat(virt) .. '⟧' .. lines[i]:sub(col + 1)
      for j, vl in ipairs(d.virt_lines or {}) do
        table.insert(lines, i + j, '⟦' .. vl[1][1] .. '⟧')
      end
    end
  end
  for i, l in ipairs(lines) do
    table.insert(out, string.format('%3d%s %s', first + i, first + i == cur[1] and '>' or ' ', l))
  end
  for _, f in ipairs(floats()) do
    table.insert(out, '+-- float ----------------------------------------')
    for _, l in ipairs(f.lines) do
      table.insert(out, '| ' .. l)
    end
    table.insert(out, '+--------------------------------------------------')
  end
  table.insert(out, string.rep('-', 50))
  table.insert(out, string.format('mode %s | %s', vim.api.nvim_get_mode().mode, lode.status()))
  local f = io.open(env.LODE_E2E_SHOTS .. '/nvim-' .. name .. '.txt', 'w')
  f:write(table.concat(out, '\n') .. '\n')
  f:close()
end

local function line()
  return vim.api.nvim_get_current_line()
end

-- Each step returns true when done, false to be polled again, or a string
-- saying why it failed.
local steps = {
  {
    'lode attaches and initializes',
    function()
      local c = lode.client()
      return c ~= nil and c.server_capabilities ~= nil and c.server_capabilities.inlineCompletionProvider ~= nil
    end,
  },
  {
    'type "fmt." on the empty line in main',
    function()
      vim.api.nvim_win_set_cursor(0, { line_nr, 0 })
      vim.api.nvim_input('A' .. 'fmt.')
      return true
    end,
  },
  {
    'ghost text appears at the cursor',
    function()
      if vim.api.nvim_get_mode().mode ~= 'i' or line() ~= '\tfmt.' then
        return false
      end
      local marks = vim.api.nvim_buf_get_extmarks(0, ghost_ns, 0, -1, { details = true })
      if #marks == 0 then
        return false
      end
      local _, row, col, d = unpack(marks[1])
      local cur = vim.api.nvim_win_get_cursor(0)
      local text = d.virt_text and d.virt_text[1][1] or ''
      log('ghost extmark at %d:%d (cursor %d:%d, %s): %q', row, col, cur[1] - 1, cur[2], d.virt_text_pos, text)
      snapshot('1-ghost-text')
      if row ~= cur[1] - 1 or col ~= cur[2] then
        return 'the ghost text is not at the cursor'
      end
      if text ~= env.LODE_E2E_GHOST then
        return string.format('ghost text %q, want %q', text, env.LODE_E2E_GHOST)
      end
      return true
    end,
  },
  {
    'the accept mapping (<Tab>) inserts it',
    function()
      vim.api.nvim_input('<Tab>')
      return true
    end,
  },
  {
    'the line holds the completion',
    function()
      local want = '\tfmt.' .. env.LODE_E2E_GHOST
      if line() ~= want then
        return false
      end
      local marks = vim.api.nvim_buf_get_extmarks(0, ghost_ns, 0, -1, {})
      log('line after accept: %q, cursor %s, %d extmarks left', line(), vim.inspect(vim.api.nvim_win_get_cursor(0)), #marks)
      if #marks > 0 then
        return 'the ghost text is still shown after accepting'
      end
      if vim.api.nvim_win_get_cursor(0)[2] ~= #want then
        return 'the cursor is not after the inserted text'
      end
      return true
    end,
  },
  {
    'on a new line, ghost text appears again',
    function()
      if not typed_again then
        typed_again = true
        vim.api.nvim_input('<CR>fmt.')
        return false
      end
      local marks = vim.api.nvim_buf_get_extmarks(0, ghost_ns, 0, -1, {})
      return #marks > 0 and line():find('fmt%.$') ~= nil
    end,
  },
  {
    'the dismiss mapping (<C-]>) hides it and leaves the line',
    function()
      if not dismissed then
        dismissed = line()
        vim.api.nvim_input('<C-]>')
        return false
      end
      local marks = vim.api.nvim_buf_get_extmarks(0, ghost_ns, 0, -1, {})
      return #marks == 0 and line() == dismissed
    end,
  },
  {
    'with no ghost text, <Tab> inserts a tab before keys typed ahead',
    function()
      if not tabbed then
        tabbed = true
        vim.api.nvim_input('<Tab>abc<Tab>')
        return false
      end
      return line() == dismissed .. '\tabc\t'
    end,
  },
  {
    ':LodeExplain on main',
    function()
      vim.api.nvim_input('<Esc>')
      vim.defer_fn(function()
        vim.api.nvim_win_set_cursor(0, { line_nr - 1, 1 })
        vim.cmd('LodeExplain')
      end, 50)
      return true
    end,
  },
  {
    'a float shows the explanation',
    function()
      local f = floats()[1]
      if not f then
        return false
      end
      log('float %d (%dx%d):\n%s', f.win, vim.api.nvim_win_get_width(f.win), vim.api.nvim_win_get_height(f.win), f.text)
      snapshot('2-explain')
      if f.text:find(env.LODE_E2E_EXPLAIN, 1, true) then
        return true
      end
      return 'the float does not hold the explanation'
    end,
  },
  {
    ':LodeContext shows the context bundle',
    function()
      vim.cmd('close')
      vim.api.nvim_win_set_cursor(0, { line_nr, 5 })
      vim.cmd('LodeContext')
      return true
    end,
  },
  {
    'a float shows the bundle, with the definition of greeting',
    function()
      local f = floats()[1]
      if not f then
        return false
      end
      log('context float:\n%s', f.text)
      if not f.text:find('%d+ snippets?, %d+ of %d+ tokens') then
        return 'the float does not show a context bundle'
      end
      if not f.text:find('greet.go', 1, true) then
        return 'the bundle lacks greet.go, where greeting is defined'
      end
      return true
    end,
  },
  {
    ':LodeSuggest on the greeting line, with an instruction',
    function()
      vim.cmd('close')
      vim.ui.input = function(_, on_confirm)
        on_confirm(env.LODE_E2E_INSTRUCTION)
      end
      -- The preview: a float with the diff, then the question.
      vim.ui.select = function(items, opts, on_choice)
        for _, f in ipairs(floats()) do
          previewed = f.text
        end
        log('%s %s; preview:\n%s', opts.prompt, vim.inspect(items), previewed or '(none)')
        snapshot('3-fix-preview')
        on_choice('Apply')
      end
      vim.cmd(string.format('%dLodeSuggest', line_nr - 1))
      return true
    end,
  },
  {
    "lode's edit is applied",
    function()
      local got = vim.api.nvim_buf_get_lines(0, line_nr - 2, line_nr - 1, false)[1]
      if got ~= env.LODE_E2E_REWRITTEN then
        return false
      end
      log('line %d now reads %q', line_nr - 1, got)
      if not previewed or not previewed:find('+' .. env.LODE_E2E_REWRITTEN, 1, true) then
        return 'the fix was applied without a diff preview'
      end
      return true
    end,
  },
  {
    'the status names the model',
    function()
      local st = lode.status()
      log('status: %q', st)
      snapshot('4-ready')
      return st == 'lode: ' .. env.LODE_E2E_MODEL
    end,
  },
  {
    'a second file of the root attaches to the same server',
    function()
      vim.cmd('split greet.go')
      local clients = require('lode.compat').clients('lode')
      if not lode.client() then
        return false
      end
      vim.cmd('close')
      if #clients ~= 1 then
        return string.format('%d lode clients for one root', #clients)
      end
      return true
    end,
  },
  {
    'partial accept: a word (<M-Right>), then the line (<M-C-Right>)',
    function()
      if not partial then
        partial = 'typed'
        vim.api.nvim_win_set_cursor(0, { line_nr, 0 })
        vim.api.nvim_input('o' .. 'fmt.')
        return false
      end
      if partial == 'typed' then
        if ghost_text() ~= env.LODE_E2E_GHOST then
          return false
        end
        partial = 'word'
        vim.api.nvim_input('<M-Right>')
        return false
      end
      local word = env.LODE_E2E_GHOST:match('^[%w_]+')
      if partial == 'word' then
        if vim.trim(line()) ~= 'fmt.' .. word then
          return false
        end
        log('after <M-Right>: %q, ghost %q', line(), ghost_text() or '')
        snapshot('5-accepted-word')
        if ghost_text() ~= env.LODE_E2E_GHOST:sub(#word + 1) then
          return 'the rest of the completion is not shown after a word'
        end
        partial = 'line'
        vim.api.nvim_input('<M-C-Right>')
        return false
      end
      if vim.trim(line()) ~= 'fmt.' .. env.LODE_E2E_GHOST then
        return false
      end
      log('after <M-C-Right>: %q', line())
      return ghost_text() == nil or 'ghost text left after accepting the line'
    end,
  },
  {
    'cycling (<M-]>) shows several candidates',
    function()
      local want = vim.split(env.LODE_E2E_CANDIDATES, '\n', true)
      if not cycled then
        cycled = {}
        vim.api.nvim_input('<Esc>o' .. 'fmt.')
        return false
      end
      local g = ghost_text()
      if not cycled.asked then
        if g == env.LODE_E2E_GHOST then
          cycled.asked = true
          vim.api.nvim_input('<M-]>') -- one candidate shown: asks for more
        end
        return false
      end
      if g and vim.tbl_contains(want, g) and not cycled[g] then
        cycled[g] = true
        cycled.n = (cycled.n or 0) + 1
        log('candidate %d: %q', cycled.n, g)
        snapshot('6-candidate-' .. cycled.n)
        if cycled.n >= 2 then
          vim.api.nvim_input('<C-]>')
          return true
        end
        vim.api.nvim_input('<M-]>')
      end
      return false
    end,
  },
  {
    'the fake model answers after 200 ms',
    function()
      control('/delay?ms=200')
      return true
    end,
  },
  latency_step('fake server (200 ms)', function(g)
    return g == env.LODE_E2E_GHOST
  end),
  {
    ':Lode toggle turns completion off: no model request, status "lode: off"',
    function()
      if not toggled then
        control('/delay?ms=0')
        vim.cmd('Lode toggle')
        toggled = { count = control('/count'), at = vim.loop.now() }
        vim.api.nvim_input('<Esc>o' .. 'fmt.')
        return false
      end
      if vim.loop.now() - toggled.at < 3000 then
        return false
      end
      local count = control('/count')
      log('status %q, model requests %s then %s, ghost %q', lode.status(), toggled.count, count, ghost_text() or '')
      snapshot('7-toggled-off')
      if lode.status() ~= 'lode: off' then
        return 'the status does not say lode is off'
      end
      if count ~= toggled.count or ghost_text() then
        return 'with completion off the model was asked'
      end
      vim.cmd('Lode toggle')
      return true
    end,
    30000,
  },
  {
    'with the model server stopped, the status says so',
    function()
      if not stopped then
        stopped = true
        control('/stop')
        vim.api.nvim_input('<Esc>o' .. 'fmt.')
        return false
      end
      local want = 'lode: ' .. env.LODE_E2E_MODEL .. ' unreachable, using embedded'
      if lode.status() ~= want then
        return false
      end
      log('status: %q', lode.status())
      snapshot('8-unreachable')
      return true
    end,
  },
  {
    'switch to the embedded model',
    function()
      if not switched then
        switched = true
        lode.configure({ provider = 'embedded' })
        return false
      end
      return lode.status() == 'lode: embedded'
    end,
  },
  latency_step('embedded model', function(g)
    return g ~= ''
  end),
  {
    ':checkhealth lode reports the server',
    function()
      vim.cmd('checkhealth lode')
      local text = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), '\n')
      log('checkhealth:\n%s', text)
      if not text:find('OK: server: ' .. vim.fn.exepath('lode'), 1, true) or not text:find('OK: running: client', 1, true) then
        return 'checkhealth does not report the server'
      end
      local _, running = text:gsub('OK: running: client', '')
      if running ~= 1 then
        return string.format('checkhealth reports %d running clients for one root', running)
      end
      return true
    end,
  },
}

harness.run(steps)
