-- End-to-end check of lode.nvim in a real, headless Neovim, run by
-- editors/e2e_test.go:
--
--   nvim --headless --clean -u NONE -c 'luafile e2e.lua' main.go
--
-- Environment: LODE_BIN (the lode binary), LODE_E2E_LINE (the empty line
-- of main.go to type on), LODE_E2E_GHOST (the ghost text
-- the fake model's completion must show), LODE_E2E_EXPLAIN (a string the
-- explanation float must contain), LODE_E2E_OUT (the report file),
-- LODE_E2E_LOG (lode's log file), LODE_E2E_PLUGIN (editors/nvim),
-- LODE_E2E_INSTRUCTION and LODE_E2E_REWRITTEN (the :LodeSuggest rewrite
-- and the line it must produce).
--
-- Keys go through nvim_input, so they take the same path as typed keys:
-- autocommands, mappings and timers run as they do for a person.
local env = vim.env
vim.opt.rtp:prepend(env.LODE_E2E_PLUGIN)
vim.o.swapfile = false

local report = {}
local function log(fmt, ...)
  table.insert(report, string.format('[%5dms] ', vim.loop.now() - report.t0) .. string.format(fmt, ...))
end
report.t0 = vim.loop.now()

local function finish(ok, why)
  if why then
    log('%s', why)
  end
  log(ok and 'PASS' or 'FAIL')
  local f = io.open(env.LODE_E2E_OUT, 'w')
  f:write(table.concat(report, '\n') .. '\n')
  f:close()
  vim.cmd(ok and 'qall!' or 'cquit 1')
end

local lode = require('lode')
lode.setup({
  cmd = { env.LODE_BIN, 'serve', '--log', env.LODE_E2E_LOG },
  settings = { log = { level = 'debug' } },
})

local ghost_ns = vim.api.nvim_create_namespace('lode.ghost')

local line_nr = tonumber(env.LODE_E2E_LINE)
local typed_again, dismissed, tabbed -- state of the multi-key steps

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
    'with no ghost text, <Tab> inserts a tab',
    function()
      if not tabbed then
        tabbed = true
        vim.api.nvim_input('<Tab>')
        return false
      end
      return line() == dismissed .. '\t'
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
      for _, w in ipairs(vim.api.nvim_list_wins()) do
        if vim.api.nvim_win_get_config(w).relative ~= '' then
          local lines = vim.api.nvim_buf_get_lines(vim.api.nvim_win_get_buf(w), 0, -1, false)
          local text = table.concat(lines, '\n')
          log('float %d (%dx%d):\n%s', w, vim.api.nvim_win_get_width(w), vim.api.nvim_win_get_height(w), text)
          if text:find(env.LODE_E2E_EXPLAIN, 1, true) then
            return true
          end
          return 'the float does not hold the explanation'
        end
      end
      return false
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
      for _, w in ipairs(vim.api.nvim_list_wins()) do
        if vim.api.nvim_win_get_config(w).relative ~= '' then
          local lines = vim.api.nvim_buf_get_lines(vim.api.nvim_win_get_buf(w), 0, -1, false)
          local text = table.concat(lines, '\n')
          log('context float:\n%s', text)
          if not text:find('%d+ snippets?, %d+ of %d+ tokens') then
            return 'the float does not show a context bundle'
          end
          if not text:find('greet.go', 1, true) then
            return 'the bundle lacks greet.go, where greeting is defined'
          end
          return true
        end
      end
      return false
    end,
  },
  {
    ':LodeSuggest on the greeting line, with an instruction',
    function()
      vim.cmd('close')
      vim.ui.input = function(_, on_confirm)
        on_confirm(env.LODE_E2E_INSTRUCTION)
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
      return true
    end,
  },
  {
    ':checkhealth lode reports the server',
    function()
      vim.cmd('checkhealth lode')
      local text = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), '\n')
      log('checkhealth:\n%s', text)
      if not text:find('OK: server: ' .. env.LODE_BIN, 1, true) or not text:find('OK: running: client', 1, true) then
        return 'checkhealth does not report the server'
      end
      return true
    end,
  },
}

local i, started = 1, vim.loop.now()
local timer = vim.loop.new_timer()
timer:start(100, 50, vim.schedule_wrap(function()
  if i > #steps then
    return
  end
  local name, f = steps[i][1], steps[i][2]
  local ok, res = pcall(f)
  if not ok or type(res) == 'string' then
    timer:stop()
    finish(false, string.format('step %q: %s', name, tostring(res)))
  elseif res then
    log('ok: %s', name)
    i, started = i + 1, vim.loop.now()
    if i > #steps then
      timer:stop()
      finish(true)
    end
  elseif vim.loop.now() - started > 20000 then
    timer:stop()
    finish(false, string.format('step %q: timed out', name))
  end
end))
