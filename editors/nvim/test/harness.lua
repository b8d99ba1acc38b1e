-- The harness of lode.nvim's end-to-end scripts (e2e.lua, nextedit.lua),
-- which load it with dofile: lode.nvim on the runtime path, the report
-- written to $LODE_E2E_OUT, and the loop that runs the steps.
local M = {}

-- new prepares Neovim for a check and returns its harness: log(fmt, ...)
-- adds a timed line to the report; finish(ok, why) writes the report and
-- quits (status 1 when not ok); run(steps) runs the steps. describe, if
-- given, logs the editor's state when the check fails.
function M.new(describe)
  vim.opt.rtp:prepend(vim.env.LODE_E2E_PLUGIN)
  vim.o.swapfile = false

  local h = {}
  local report, t0 = {}, vim.loop.now()

  function h.log(fmt, ...)
    table.insert(report, string.format('[%5dms] ', vim.loop.now() - t0) .. string.format(fmt, ...))
  end

  function h.finish(ok, why)
    if why then
      h.log('%s', why)
    end
    if not ok and describe then
      describe(h.log)
    end
    h.log(ok and 'PASS' or 'FAIL')
    local f = io.open(vim.env.LODE_E2E_OUT, 'w')
    f:write(table.concat(report, '\n') .. '\n')
    f:close()
    vim.cmd(ok and 'qall!' or 'cquit 1')
  end

  -- run runs the steps in turn, each { name, check, limit (ms, 20000 when
  -- nil) }: check is called every 50 ms until it returns true (the step
  -- passed), a string (the step failed, for that reason) or the limit
  -- passes. The check ends when all steps pass or one fails.
  function h.run(steps)
    local i, started = 1, vim.loop.now()
    local timer = vim.loop.new_timer()
    timer:start(100, 50, vim.schedule_wrap(function()
      if i > #steps then
        return
      end
      local name, f, limit = steps[i][1], steps[i][2], steps[i][3] or 20000
      local ok, res = pcall(f)
      if not ok or type(res) == 'string' then
        timer:stop()
        h.finish(false, string.format('step %q: %s', name, tostring(res)))
      elseif res then
        h.log('ok: %s', name)
        i, started = i + 1, vim.loop.now()
        if i > #steps then
          timer:stop()
          h.finish(true)
        end
      elseif vim.loop.now() - started > limit then
        timer:stop()
        h.finish(false, string.format('step %q: timed out', name))
      end
    end))
  end

  return h
end

return M
