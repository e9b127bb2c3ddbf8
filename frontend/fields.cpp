// The field registry: the table of every field a condition or an output may name, and lookups.
//
// Names, types and argument kinds follow Falco's syscall source (libsinsp's filter checks and
// the container plugin that Falco bundles), so that upstream rules load unchanged. Fields whose
// values are floating point (proc.fdusage, thread.cpu*) and table-only or print-only fields
// (evt.outputtime, thread.nametid, evt.buflen.in, ...) are left out: they have no place in
// conditions, and FieldType has no floating-point type.
#include "frontend/fields.h"

#include <algorithm>
#include <array>
#include <cstddef>

namespace saker {
namespace {

using T = FieldType;
using A = FieldArg;

// One row per field, grouped by field class. `id` is left out here: it is the row's index,
// filled in by number_rows() below. Adding a field is adding a row.
// clang-format off
constexpr FieldInfo kRows[] = {
    // evt: fields every event has
    {.name = "evt.num", .type = T::Uint64, .arg = A::None, .flags = kFieldNone,
     .description = "Sequence number of the event."},
    {.name = "evt.time", .type = T::AbsTime, .arg = A::None, .flags = kFieldNone,
     .description = "Event timestamp; printed as a time of day with nanoseconds."},
    {.name = "evt.time.s", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "Event timestamp as a time of day, without the nanoseconds."},
    {.name = "evt.time.iso8601", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "Event timestamp in ISO 8601 form, with nanoseconds and UTC offset."},
    {.name = "evt.datetime", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "Event timestamp as a date and time of day, with nanoseconds."},
    {.name = "evt.datetime.s", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "Event timestamp as a date and time of day, without the nanoseconds."},
    {.name = "evt.rawtime", .type = T::AbsTime, .arg = A::None, .flags = kFieldNone,
     .description = "Event timestamp in nanoseconds since the epoch."},
    {.name = "evt.rawtime.s", .type = T::AbsTime, .arg = A::None, .flags = kFieldNone,
     .description = "Whole-second part of the event timestamp."},
    {.name = "evt.rawtime.ns", .type = T::AbsTime, .arg = A::None, .flags = kFieldNone,
     .description = "Sub-second part of the event timestamp, in nanoseconds."},
    {.name = "evt.reltime", .type = T::RelTime, .arg = A::None, .flags = kFieldNone,
     .description = "Time since the capture began, in nanoseconds."},
    {.name = "evt.reltime.s", .type = T::RelTime, .arg = A::None, .flags = kFieldNone,
     .description = "Whole seconds since the capture began."},
    {.name = "evt.reltime.ns", .type = T::RelTime, .arg = A::None, .flags = kFieldNone,
     .description = "Sub-second part of the time since the capture began."},
    {.name = "evt.pluginname", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "For plugin event sources, the name of the plugin that produced the event."},
    {.name = "evt.plugininfo", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "For plugin event sources, the plugin's one-line summary of the event."},
    {.name = "evt.source", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "Name of the event source the event came from, e.g. syscall."},
    {.name = "evt.is_async", .type = T::Bool, .arg = A::None, .flags = kFieldNone,
     .description = "True for asynchronous (meta) events."},
    {.name = "evt.asynctype", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "For asynchronous events, which kind of meta event it is."},
    {.name = "evt.hostname", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "Name of the host the agent runs on; can be overridden from the environment."},
    // evt: system call events
    {.name = "evt.latency", .type = T::RelTime, .arg = A::None, .flags = kFieldNone,
     .description = "Time between the enter and exit events of a system call, in nanoseconds."},
    {.name = "evt.latency.s", .type = T::RelTime, .arg = A::None, .flags = kFieldNone,
     .description = "Whole-second part of the event latency."},
    {.name = "evt.latency.ns", .type = T::RelTime, .arg = A::None, .flags = kFieldNone,
     .description = "Sub-second part of the event latency."},
    {.name = "evt.latency.human", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "Event latency as readable text, such as 10.3ms."},
    {.name = "evt.deltatime", .type = T::RelTime, .arg = A::None, .flags = kFieldNone,
     .description = "Time since the previous event, in nanoseconds."},
    {.name = "evt.deltatime.s", .type = T::RelTime, .arg = A::None, .flags = kFieldNone,
     .description = "Whole-second part of the time since the previous event."},
    {.name = "evt.deltatime.ns", .type = T::RelTime, .arg = A::None, .flags = kFieldNone,
     .description = "Sub-second part of the time since the previous event."},
    {.name = "evt.dir", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "Direction of the event: '>' entering a system call, '<' leaving it."},
    {.name = "evt.type", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "Name of the event, such as openat or execve."},
    {.name = "evt.type.is", .type = T::Uint32, .arg = A::Key, .flags = kFieldDottedArg,
     .description = "1 when the event has the type named by the argument (evt.type.is.open), else "
                    "0."},
    {.name = "syscall.type", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "Name of the system call; unset for events that are not system calls."},
    {.name = "evt.category", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "Category of the event, such as file, net, memory or process."},
    {.name = "evt.cpu", .type = T::Int16, .arg = A::None, .flags = kFieldNone,
     .description = "Number of the CPU the event happened on."},
    {.name = "evt.args", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "All arguments of the event rendered into a single string."},
    {.name = "evt.arg", .type = T::String, .arg = A::IndexOrKey, .flags = kFieldDottedArg,
     .description = "One event argument as text, picked by name (evt.arg.flags) or position "
                    "(evt.arg[0])."},
    {.name = "evt.rawarg", .type = T::Int64, .arg = A::IndexOrKey, .flags = kFieldDottedArg,
     .description = "One event argument in raw form, picked by name (evt.rawarg.res)."},
    {.name = "evt.info", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "Same text as evt.args."},
    {.name = "evt.buffer", .type = T::Bytes, .arg = A::None, .flags = kFieldNone,
     .description = "Data buffer of I/O events such as read, write or sendto."},
    {.name = "evt.buflen", .type = T::Uint64, .arg = A::None, .flags = kFieldNone,
     .description = "Length of the data buffer of I/O events."},
    {.name = "evt.res", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "Result of the event as text: SUCCESS, or an error name such as ENOENT."},
    {.name = "evt.rawres", .type = T::Int64, .arg = A::None, .flags = kFieldNone,
     .description = "Result of the event as a number; negative on failure."},
    {.name = "evt.failed", .type = T::Bool, .arg = A::None, .flags = kFieldNone,
     .description = "True when the event returned an error."},
    {.name = "evt.is_io", .type = T::Bool, .arg = A::None, .flags = kFieldNone,
     .description = "True for events that read from or write to a file descriptor."},
    {.name = "evt.is_io_read", .type = T::Bool, .arg = A::None, .flags = kFieldNone,
     .description = "True for events that read from a file descriptor."},
    {.name = "evt.is_io_write", .type = T::Bool, .arg = A::None, .flags = kFieldNone,
     .description = "True for events that write to a file descriptor."},
    {.name = "evt.io_dir", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "I/O direction of the event: r for reads, w for writes."},
    {.name = "evt.is_wait", .type = T::Bool, .arg = A::None, .flags = kFieldNone,
     .description = "True for events that make the thread wait, such as poll or nanosleep."},
    {.name = "evt.wait_latency", .type = T::RelTime, .arg = A::None, .flags = kFieldNone,
     .description = "For waiting events, how long the thread waited, in nanoseconds."},
    {.name = "evt.is_syslog", .type = T::Bool, .arg = A::None, .flags = kFieldNone,
     .description = "True for writes to /dev/log."},
    {.name = "evt.count", .type = T::Uint32, .arg = A::None, .flags = kFieldNone,
     .description = "Always 1; handy for counting events."},
    {.name = "evt.count.error", .type = T::Uint32, .arg = A::None, .flags = kFieldNone,
     .description = "1 for events that failed, else 0."},
    {.name = "evt.count.error.file", .type = T::Uint32, .arg = A::None, .flags = kFieldNone,
     .description = "1 for failed file I/O events, else 0."},
    {.name = "evt.count.error.net", .type = T::Uint32, .arg = A::None, .flags = kFieldNone,
     .description = "1 for failed network events, else 0."},
    {.name = "evt.count.error.memory", .type = T::Uint32, .arg = A::None, .flags = kFieldNone,
     .description = "1 for failed memory events, else 0."},
    {.name = "evt.count.error.other", .type = T::Uint32, .arg = A::None, .flags = kFieldNone,
     .description = "1 for failed events outside the file, network and memory groups, else 0."},
    {.name = "evt.count.exit", .type = T::Uint32, .arg = A::None, .flags = kFieldNone,
     .description = "1 for exit events, else 0."},
    {.name = "evt.abspath", .type = T::String, .arg = A::OptionalKey, .flags = kFieldDottedArg,
     .description = "Absolute path built from a directory fd and a relative name; .src and .dst "
                    "pick one of two paths."},
    {.name = "evt.is_open_read", .type = T::Bool, .arg = A::None, .flags = kFieldNone,
     .description = "True for open-family events whose flags request read access."},
    {.name = "evt.is_open_write", .type = T::Bool, .arg = A::None, .flags = kFieldNone,
     .description = "True for open-family events whose flags request write access."},
    {.name = "evt.is_open_exec", .type = T::Bool, .arg = A::None, .flags = kFieldNone,
     .description = "True for open-family or creat events that create a file with execute "
                    "permission."},
    {.name = "evt.is_open_create", .type = T::Bool, .arg = A::None, .flags = kFieldNone,
     .description = "True for open-family events that create the file."},
    // proc: the process that generated the event and its ancestors
    {.name = "proc.exe", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "First command-line argument (argv[0]), usually the program name or path."},
    {.name = "proc.pexe", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "argv[0] of the parent process."},
    {.name = "proc.aexe", .type = T::String, .arg = A::OptionalIndex, .flags = kFieldNone,
     .description = "argv[0] of an ancestor picked by level (1 is the parent); without an index, "
                    "any ancestor."},
    {.name = "proc.exepath", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "Full path of the executable file, with symbolic links resolved."},
    {.name = "proc.pexepath", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "Executable path of the parent process."},
    {.name = "proc.aexepath", .type = T::String, .arg = A::OptionalIndex, .flags = kFieldNone,
     .description = "Executable path of an ancestor picked by level; without an index, any "
                    "ancestor."},
    {.name = "proc.name", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "Process name as the kernel keeps it (comm), at most 16 characters."},
    {.name = "proc.pname", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "Name of the parent process."},
    {.name = "proc.aname", .type = T::String, .arg = A::OptionalIndex, .flags = kFieldNone,
     .description = "Name of an ancestor: [1] is the parent, [2] the grandparent; without an "
                    "index, any ancestor."},
    {.name = "proc.args", .type = T::String, .arg = A::OptionalIndex, .flags = kFieldNone,
     .description = "Command-line arguments after argv[0], space-separated; proc.args[N] picks "
                    "one argument."},
    {.name = "proc.aargs", .type = T::String, .arg = A::OptionalIndex, .flags = kFieldNone,
     .description = "Command-line arguments of an ancestor picked by level; without an index, any "
                    "ancestor."},
    {.name = "proc.cmdline", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "Process name followed by its arguments (proc.name and proc.args)."},
    {.name = "proc.pcmdline", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "Command line of the parent process."},
    {.name = "proc.acmdline", .type = T::String, .arg = A::OptionalIndex, .flags = kFieldNone,
     .description = "Command line of an ancestor picked by level; without an index, any ancestor."},
    {.name = "proc.cmdnargs", .type = T::Uint64, .arg = A::None, .flags = kFieldNone,
     .description = "How many command-line arguments proc.args holds."},
    {.name = "proc.cmdlenargs", .type = T::Uint64, .arg = A::None, .flags = kFieldNone,
     .description = "Total length of the command-line arguments, separators not counted."},
    {.name = "proc.exeline", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "argv[0] followed by the arguments (proc.exe and proc.args)."},
    {.name = "proc.env", .type = T::String, .arg = A::OptionalKey, .flags = kFieldNone,
     .description = "Environment of the process as NAME=value pairs; proc.env[NAME] gives one "
                    "value."},
    {.name = "proc.aenv", .type = T::String, .arg = A::OptionalKey, .flags = kFieldNone,
     .description = "Ancestor environment: by level (proc.aenv[2]), first value of a variable up "
                    "the tree, or any."},
    {.name = "proc.cwd", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "Current working directory of the process."},
    {.name = "proc.loginshellid", .type = T::Int64, .arg = A::None, .flags = kFieldNone,
     .description = "Pid of the oldest shell among the ancestors of the process, if any."},
    {.name = "proc.tty", .type = T::Uint32, .arg = A::None, .flags = kFieldNone,
     .description = "Controlling terminal of the process; 0 when it has none."},
    {.name = "proc.pid", .type = T::Int64, .arg = A::None, .flags = kFieldNone,
     .description = "Id of the process (thread group) that generated the event."},
    {.name = "proc.ppid", .type = T::Int64, .arg = A::None, .flags = kFieldNone,
     .description = "Pid of the parent process."},
    {.name = "proc.apid", .type = T::Int64, .arg = A::OptionalIndex, .flags = kFieldNone,
     .description = "Pid of an ancestor picked by level; without an index, any ancestor."},
    {.name = "proc.vpid", .type = T::Int64, .arg = A::None, .flags = kFieldNone,
     .description = "Pid of the process as seen inside its own pid namespace."},
    {.name = "proc.pvpid", .type = T::Int64, .arg = A::None, .flags = kFieldNone,
     .description = "Pid of the parent as seen inside the pid namespace."},
    {.name = "proc.sid", .type = T::Int64, .arg = A::None, .flags = kFieldNone,
     .description = "Session id of the process."},
    {.name = "proc.sname", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "Name of the leader of the process's session."},
    {.name = "proc.sid.exe", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "argv[0] of the leader of the process's session."},
    {.name = "proc.sid.exepath", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "Executable path of the leader of the process's session."},
    {.name = "proc.vpgid", .type = T::Int64, .arg = A::None, .flags = kFieldNone,
     .description = "Process group id as seen inside the pid namespace."},
    {.name = "proc.vpgid.name", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "Name of the process group leader, found by namespace-local group id."},
    {.name = "proc.vpgid.exe", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "argv[0] of the process group leader, found by namespace-local group id."},
    {.name = "proc.vpgid.exepath", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "Executable path of the process group leader, found by namespace-local group "
                    "id."},
    {.name = "proc.pgid", .type = T::Int64, .arg = A::None, .flags = kFieldNone,
     .description = "Process group id as seen from the host pid namespace."},
    {.name = "proc.pgid.name", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "Name of the process group leader, found by host group id."},
    {.name = "proc.pgid.exe", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "argv[0] of the process group leader, found by host group id."},
    {.name = "proc.pgid.exepath", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "Executable path of the process group leader, found by host group id."},
    {.name = "proc.duration", .type = T::RelTime, .arg = A::None, .flags = kFieldNone,
     .description = "Nanoseconds since the process started."},
    {.name = "proc.ppid.duration", .type = T::RelTime, .arg = A::None, .flags = kFieldNone,
     .description = "Nanoseconds since the parent process started."},
    {.name = "proc.pid.ts", .type = T::RelTime, .arg = A::None, .flags = kFieldNone,
     .description = "Start time of the process, in nanoseconds since the epoch."},
    {.name = "proc.ppid.ts", .type = T::RelTime, .arg = A::None, .flags = kFieldNone,
     .description = "Start time of the parent process, in nanoseconds since the epoch."},
    {.name = "proc.is_exe_writable", .type = T::Bool, .arg = A::None, .flags = kFieldNone,
     .description = "True when the user that started the process can write its executable file."},
    {.name = "proc.is_exe_upper_layer", .type = T::Bool, .arg = A::None, .flags = kFieldNone,
     .description = "True when the executable file is in the writable upper layer of an "
                    "overlayfs."},
    {.name = "proc.is_exe_lower_layer", .type = T::Bool, .arg = A::None, .flags = kFieldNone,
     .description = "True when the executable file is in a lower (image) layer of an overlayfs."},
    {.name = "proc.is_exe_from_memfd", .type = T::Bool, .arg = A::None, .flags = kFieldNone,
     .description = "True when the process runs an anonymous in-memory file made with "
                    "memfd_create."},
    {.name = "proc.is_sid_leader", .type = T::Bool, .arg = A::None, .flags = kFieldNone,
     .description = "True when the process is the leader of its session."},
    {.name = "proc.is_vpgid_leader", .type = T::Bool, .arg = A::None, .flags = kFieldNone,
     .description = "True when the process leads its process group (namespace-local ids)."},
    {.name = "proc.is_pgid_leader", .type = T::Bool, .arg = A::None, .flags = kFieldNone,
     .description = "True when the process leads its process group (host ids)."},
    {.name = "proc.exe_ino", .type = T::Int64, .arg = A::None, .flags = kFieldNone,
     .description = "Inode number of the executable file."},
    {.name = "proc.exe_ino.ctime", .type = T::AbsTime, .arg = A::None, .flags = kFieldNone,
     .description = "Last status change (ctime) of the executable file, in nanoseconds since the "
                    "epoch."},
    {.name = "proc.exe_ino.mtime", .type = T::AbsTime, .arg = A::None, .flags = kFieldNone,
     .description = "Last content change (mtime) of the executable file, in nanoseconds since the "
                    "epoch."},
    {.name = "proc.exe_ino.ctime_duration_proc_start", .type = T::AbsTime, .arg = A::None,
     .flags = kFieldNone,
     .description = "Nanoseconds from the executable's last status change to the start of the "
                    "process."},
    {.name = "proc.exe_ino.ctime_duration_pidns_start", .type = T::AbsTime, .arg = A::None,
     .flags = kFieldNone,
     .description = "Nanoseconds from the pid namespace start to the executable's ctime, if the "
                    "namespace is older."},
    {.name = "proc.pidns_init_start_ts", .type = T::Uint64, .arg = A::None, .flags = kFieldNone,
     .description = "Start time of the process's pid namespace, in nanoseconds since the epoch."},
    {.name = "proc.fdopencount", .type = T::Uint64, .arg = A::None, .flags = kFieldNone,
     .description = "Number of file descriptors the process has open."},
    {.name = "proc.fdlimit", .type = T::Int64, .arg = A::None, .flags = kFieldNone,
     .description = "Most file descriptors the process may have open."},
    {.name = "proc.vmsize", .type = T::Uint64, .arg = A::None, .flags = kFieldNone,
     .description = "Virtual memory size of the process, in KiB."},
    {.name = "proc.vmrss", .type = T::Uint64, .arg = A::None, .flags = kFieldNone,
     .description = "Resident memory of the process, in KiB."},
    {.name = "proc.vmswap", .type = T::Uint64, .arg = A::None, .flags = kFieldNone,
     .description = "Swapped-out memory of the process, in KiB."},
    {.name = "proc.nthreads", .type = T::Uint64, .arg = A::None, .flags = kFieldNone,
     .description = "Number of live threads of the process, leader included."},
    {.name = "proc.nchilds", .type = T::Uint64, .arg = A::None, .flags = kFieldNone,
     .description = "Number of live threads of the process besides the leader."},
    {.name = "proc.stdin.type", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "Type of the process's file descriptor 0 (stdin)."},
    {.name = "proc.stdout.type", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "Type of the process's file descriptor 1 (stdout)."},
    {.name = "proc.stderr.type", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "Type of the process's file descriptor 2 (stderr)."},
    {.name = "proc.stdin.name", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "Name (path or connection) of the process's file descriptor 0 (stdin)."},
    {.name = "proc.stdout.name", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "Name (path or connection) of the process's file descriptor 1 (stdout)."},
    {.name = "proc.stderr.name", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "Name (path or connection) of the process's file descriptor 2 (stderr)."},
    {.name = "proc.is_container_healthcheck", .type = T::Bool, .arg = A::None, .flags = kFieldNone,
     .description = "True when the process runs as part of its container's health check."},
    {.name = "proc.is_container_liveness_probe", .type = T::Bool, .arg = A::None,
     .flags = kFieldNone,
     .description = "True when the process runs as part of a Kubernetes liveness probe."},
    {.name = "proc.is_container_readiness_probe", .type = T::Bool, .arg = A::None,
     .flags = kFieldNone,
     .description = "True when the process runs as part of a Kubernetes readiness probe."},
    // thread: the thread that generated the event
    {.name = "thread.tid", .type = T::Int64, .arg = A::None, .flags = kFieldNone,
     .description = "Id of the thread that generated the event."},
    {.name = "thread.vtid", .type = T::Int64, .arg = A::None, .flags = kFieldNone,
     .description = "Thread id as seen inside the pid namespace."},
    {.name = "thread.ismain", .type = T::Bool, .arg = A::None, .flags = kFieldNone,
     .description = "True when the thread is the main thread of its process."},
    {.name = "thread.cap_permitted", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "Permitted capability set of the thread, as capability names."},
    {.name = "thread.cap_inheritable", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "Inheritable capability set of the thread, as capability names."},
    {.name = "thread.cap_effective", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "Effective capability set of the thread, e.g. CAP_SYS_ADMIN CAP_NET_RAW."},
    {.name = "thread.pfmajor", .type = T::Uint64, .arg = A::None, .flags = kFieldNone,
     .description = "Major page faults since the thread started."},
    {.name = "thread.pfminor", .type = T::Uint64, .arg = A::None, .flags = kFieldNone,
     .description = "Minor page faults since the thread started."},
    {.name = "thread.exectime", .type = T::RelTime, .arg = A::None, .flags = kFieldNone,
     .description = "CPU time of the thread last scheduled out, in nanoseconds; set on switch "
                    "events."},
    {.name = "thread.totexectime", .type = T::RelTime, .arg = A::None, .flags = kFieldNone,
     .description = "CPU time of the thread since the capture began, in nanoseconds; set on "
                    "switch events."},
    {.name = "thread.cgroups", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "All cgroups of the thread, joined into one string."},
    {.name = "thread.cgroup", .type = T::String, .arg = A::Key, .flags = kFieldDottedArg,
     .description = "Cgroup of the thread for one controller, e.g. thread.cgroup.cpuacct."},
    {.name = "thread.vmsize", .type = T::Uint64, .arg = A::None, .flags = kFieldNone,
     .description = "For a main thread, the process's virtual memory in KiB; 0 for other threads."},
    {.name = "thread.vmrss", .type = T::Uint64, .arg = A::None, .flags = kFieldNone,
     .description = "For a main thread, the process's resident memory in KiB; 0 for other "
                    "threads."},
    // user: the user running the process
    {.name = "user.uid", .type = T::Uint32, .arg = A::None, .flags = kFieldNone,
     .description = "User id of the process."},
    {.name = "user.name", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "User name of the process."},
    {.name = "user.homedir", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "Home directory of the user."},
    {.name = "user.shell", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "Login shell of the user."},
    {.name = "user.loginuid", .type = T::Int64, .arg = A::None, .flags = kFieldNone,
     .description = "Audit login user id (auid) of the process; -1 when it is unset."},
    {.name = "user.loginname", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "User name that belongs to the audit login user id."},
    // group: the group of the process
    {.name = "group.gid", .type = T::Uint32, .arg = A::None, .flags = kFieldNone,
     .description = "Group id of the process."},
    {.name = "group.name", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "Group name of the process."},
    // fd: the file descriptor the event uses
    {.name = "fd.num", .type = T::Int64, .arg = A::None, .flags = kFieldNone,
     .description = "Number of the file descriptor."},
    {.name = "fd.type", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "Kind of descriptor: file, directory, ipv4, ipv6, unix, pipe, event, "
                    "signalfd, memfd, ..."},
    {.name = "fd.typechar", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "Kind of descriptor as one letter: f file, 4/6 IP socket, u unix socket, p "
                    "pipe, ..."},
    {.name = "fd.name", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "Full name of the descriptor: the path of a file, the connection tuple of a "
                    "socket."},
    {.name = "fd.directory", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "For files, the directory that holds the file."},
    {.name = "fd.filename", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "For files, the file name without the directory."},
    {.name = "fd.ip", .type = T::IpAddr, .arg = A::None, .flags = kFieldNone,
     .description = "Matches the address of either end of a socket (conditions only)."},
    {.name = "fd.cip", .type = T::IpAddr, .arg = A::None, .flags = kFieldNone,
     .description = "Client IP address of a socket."},
    {.name = "fd.sip", .type = T::IpAddr, .arg = A::None, .flags = kFieldNone,
     .description = "Server IP address of a socket."},
    {.name = "fd.lip", .type = T::IpAddr, .arg = A::None, .flags = kFieldNone,
     .description = "Local IP address of a socket."},
    {.name = "fd.rip", .type = T::IpAddr, .arg = A::None, .flags = kFieldNone,
     .description = "Remote IP address of a socket."},
    {.name = "fd.port", .type = T::Port, .arg = A::None, .flags = kFieldNone,
     .description = "Matches the port of either end of a socket (conditions only)."},
    {.name = "fd.cport", .type = T::Port, .arg = A::None, .flags = kFieldNone,
     .description = "Client port of a TCP or UDP socket."},
    {.name = "fd.sport", .type = T::Port, .arg = A::None, .flags = kFieldNone,
     .description = "Server port of a TCP or UDP socket."},
    {.name = "fd.lport", .type = T::Port, .arg = A::None, .flags = kFieldNone,
     .description = "Local port of a TCP or UDP socket."},
    {.name = "fd.rport", .type = T::Port, .arg = A::None, .flags = kFieldNone,
     .description = "Remote port of a TCP or UDP socket."},
    {.name = "fd.l4proto", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "Transport protocol of a socket: tcp, udp, icmp or raw."},
    {.name = "fd.sockfamily", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "Address family of a socket: ip or unix."},
    {.name = "fd.is_server", .type = T::Bool, .arg = A::None, .flags = kFieldNone,
     .description = "True when the process holding the descriptor is the server end of the "
                    "connection."},
    {.name = "fd.uid", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "Identifier of the descriptor made from the thread id and the descriptor "
                    "number."},
    {.name = "fd.containername", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "Container id and descriptor name joined together."},
    {.name = "fd.containerdirectory", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "Container id and directory name joined together."},
    {.name = "fd.proto", .type = T::Port, .arg = A::None, .flags = kFieldNone,
     .description = "Matches the protocol of either end of a socket (conditions only)."},
    {.name = "fd.cproto", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "Protocol name of the client end of a TCP or UDP socket."},
    {.name = "fd.sproto", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "Protocol name of the server end of a TCP or UDP socket."},
    {.name = "fd.lproto", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "Protocol name of the local end of a TCP or UDP socket."},
    {.name = "fd.rproto", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "Protocol name of the remote end of a TCP or UDP socket."},
    {.name = "fd.net", .type = T::IpNet, .arg = A::None, .flags = kFieldNone,
     .description = "Matches the address of either end of a socket against a CIDR network."},
    {.name = "fd.cnet", .type = T::IpNet, .arg = A::None, .flags = kFieldNone,
     .description = "Matches the client address of a socket against a CIDR network."},
    {.name = "fd.snet", .type = T::IpNet, .arg = A::None, .flags = kFieldNone,
     .description = "Matches the server address of a socket against a CIDR network."},
    {.name = "fd.lnet", .type = T::IpNet, .arg = A::None, .flags = kFieldNone,
     .description = "Matches the local address of a socket against a CIDR network."},
    {.name = "fd.rnet", .type = T::IpNet, .arg = A::None, .flags = kFieldNone,
     .description = "Matches the remote address of a socket against a CIDR network."},
    {.name = "fd.connected", .type = T::Bool, .arg = A::None, .flags = kFieldNone,
     .description = "True when a TCP or UDP socket is connected."},
    {.name = "fd.name_changed", .type = T::Bool, .arg = A::None, .flags = kFieldNone,
     .description = "True when the event changed the name of the descriptor, e.g. a new UDP "
                    "tuple."},
    {.name = "fd.cip.name", .type = T::String, .arg = A::None, .flags = kFieldAddressName,
     .description = "Domain name the client IP address resolves to."},
    {.name = "fd.sip.name", .type = T::String, .arg = A::None, .flags = kFieldAddressName,
     .description = "Domain name the server IP address resolves to."},
    {.name = "fd.lip.name", .type = T::String, .arg = A::None, .flags = kFieldAddressName,
     .description = "Domain name the local IP address resolves to."},
    {.name = "fd.rip.name", .type = T::String, .arg = A::None, .flags = kFieldAddressName,
     .description = "Domain name the remote IP address resolves to."},
    {.name = "fd.dev", .type = T::Int32, .arg = A::None, .flags = kFieldNone,
     .description = "Device number (major and minor) of the device holding the file."},
    {.name = "fd.dev.major", .type = T::Int32, .arg = A::None, .flags = kFieldNone,
     .description = "Major device number of the device holding the file."},
    {.name = "fd.dev.minor", .type = T::Int32, .arg = A::None, .flags = kFieldNone,
     .description = "Minor device number of the device holding the file."},
    {.name = "fd.ino", .type = T::Int64, .arg = A::None, .flags = kFieldNone,
     .description = "Inode number of the file."},
    {.name = "fd.nameraw", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "File path exactly as the system call received it, not made absolute."},
    {.name = "fd.types", .type = T::String, .arg = A::OptionalIndex, .flags = kFieldList,
     .description = "Types of all descriptors the process has open; fd.types[N] gives descriptor "
                    "N's type."},
    {.name = "fd.is_upper_layer", .type = T::Bool, .arg = A::None, .flags = kFieldNone,
     .description = "True when the file is in the writable upper layer of an overlayfs."},
    {.name = "fd.is_lower_layer", .type = T::Bool, .arg = A::None, .flags = kFieldNone,
     .description = "True when the file is in a lower (image) layer of an overlayfs."},
    // fs: paths of filesystem system calls, including those without a descriptor
    {.name = "fs.path.name", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "Path the filesystem call acts on, made absolute with the thread's cwd."},
    {.name = "fs.path.nameraw", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "Path the filesystem call acts on, as the call received it."},
    {.name = "fs.path.source", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "Source path of a two-path call such as rename or link, made absolute."},
    {.name = "fs.path.sourceraw", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "Source path of a two-path call, as the call received it."},
    {.name = "fs.path.target", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "Target path of a two-path call such as rename or link, made absolute."},
    {.name = "fs.path.targetraw", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "Target path of a two-path call, as the call received it."},
    // container: the container the process runs in
    {.name = "container.id", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "Container id cut to 12 characters; 'host' for processes outside containers."},
    {.name = "container.full_id", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "Full container id."},
    {.name = "container.name", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "Container name; 'host' for processes outside containers."},
    {.name = "container.image", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "Image the container runs, as repository and tag."},
    {.name = "container.image.id", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "Id of the container image."},
    {.name = "container.type", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "Container runtime, such as docker, containerd or cri-o."},
    {.name = "container.privileged", .type = T::Bool, .arg = A::None, .flags = kFieldNone,
     .description = "True when the container runs in privileged mode."},
    {.name = "container.mounts", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "All mounts of the container, each as source:dest:mode:rdwr:propagation."},
    {.name = "container.mount", .type = T::String, .arg = A::IndexOrKey, .flags = kFieldNone,
     .description = "One mount of the container, by index or by a glob on its source path."},
    {.name = "container.mount.source", .type = T::String, .arg = A::IndexOrKey, .flags = kFieldNone,
     .description = "Source of one mount, by index or by a glob on its destination path."},
    {.name = "container.mount.dest", .type = T::String, .arg = A::IndexOrKey, .flags = kFieldNone,
     .description = "Destination of one mount, by index or by a glob on its source path."},
    {.name = "container.mount.mode", .type = T::String, .arg = A::IndexOrKey, .flags = kFieldNone,
     .description = "Mode of one mount, by index or by a glob on its source path."},
    {.name = "container.mount.rdwr", .type = T::String, .arg = A::IndexOrKey, .flags = kFieldNone,
     .description = "Read/write setting of one mount, by index or by a glob on its source path."},
    {.name = "container.mount.propagation", .type = T::String, .arg = A::IndexOrKey,
     .flags = kFieldNone,
     .description = "Propagation of one mount, by index or by a glob on its source path."},
    {.name = "container.image.repository", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "Repository part of the container image name."},
    {.name = "container.image.tag", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "Tag part of the container image name."},
    {.name = "container.image.digest", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "Registry digest of the container image."},
    {.name = "container.healthcheck", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "Health check command of the container, when one is set."},
    {.name = "container.liveness_probe", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "Kubernetes liveness probe command of the container, when one is set."},
    {.name = "container.readiness_probe", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "Kubernetes readiness probe command of the container, when one is set."},
    {.name = "container.start_ts", .type = T::AbsTime, .arg = A::None, .flags = kFieldNone,
     .description = "Start time of the container, in nanoseconds since the epoch."},
    {.name = "container.duration", .type = T::RelTime, .arg = A::None, .flags = kFieldNone,
     .description = "Nanoseconds since the container started."},
    {.name = "container.ip", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "Main IPv4 address of the container as the runtime reports it."},
    {.name = "container.cni.json", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "CNI result of the container's pod, as raw JSON."},
    {.name = "container.host_pid", .type = T::Bool, .arg = A::None, .flags = kFieldNone,
     .description = "True when the container shares the host pid namespace."},
    {.name = "container.host_network", .type = T::Bool, .arg = A::None, .flags = kFieldNone,
     .description = "True when the container shares the host network namespace."},
    {.name = "container.host_ipc", .type = T::Bool, .arg = A::None, .flags = kFieldNone,
     .description = "True when the container shares the host IPC namespace."},
    {.name = "container.label", .type = T::String, .arg = A::Key, .flags = kFieldDottedArg,
     .description = "Value of one container label, e.g. container.label[maintainer]."},
    {.name = "container.labels", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "All container labels as comma-separated key:value pairs."},
    // k8s: the Kubernetes pod of the container (from the container runtime)
    {.name = "k8s.ns.name", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "Kubernetes namespace of the pod."},
    {.name = "k8s.pod.name", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "Name of the Kubernetes pod."},
    {.name = "k8s.container.name", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "Name of the container in its pod spec (the io.kubernetes.container.name "
                    "label)."},
    {.name = "k8s.pod.id", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "Legacy name for k8s.pod.uid."},
    {.name = "k8s.pod.uid", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "UID Kubernetes gave the pod when it was created."},
    {.name = "k8s.pod.sandbox_id", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "Id of the pod sandbox cut to 12 characters."},
    {.name = "k8s.pod.full_sandbox_id", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "Full id of the pod sandbox."},
    {.name = "k8s.pod.label", .type = T::String, .arg = A::Key, .flags = kFieldDottedArg,
     .description = "Value of one pod label: k8s.pod.label[app] or k8s.pod.label.app."},
    {.name = "k8s.pod.labels", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "All pod labels as comma-separated key:value pairs."},
    {.name = "k8s.pod.ip", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "IPv4 address of the pod."},
    {.name = "k8s.pod.cni.json", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "CNI result of the pod, as raw JSON."},
    {.name = "k8s.rc.name", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "Deprecated and never set: replication controller name."},
    {.name = "k8s.rc.id", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "Deprecated and never set: replication controller id."},
    {.name = "k8s.rc.label", .type = T::String, .arg = A::Key, .flags = kFieldDottedArg,
     .description = "Deprecated and never set: one replication controller label."},
    {.name = "k8s.rc.labels", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "Deprecated and never set: replication controller labels."},
    {.name = "k8s.svc.name", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "Deprecated and never set: service name."},
    {.name = "k8s.svc.id", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "Deprecated and never set: service id."},
    {.name = "k8s.svc.label", .type = T::String, .arg = A::Key, .flags = kFieldDottedArg,
     .description = "Deprecated and never set: one service label."},
    {.name = "k8s.svc.labels", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "Deprecated and never set: service labels."},
    {.name = "k8s.ns.id", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "Deprecated and never set: namespace id."},
    {.name = "k8s.ns.label", .type = T::String, .arg = A::Key, .flags = kFieldDottedArg,
     .description = "Deprecated and never set: one namespace label."},
    {.name = "k8s.ns.labels", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "Deprecated and never set: namespace labels."},
    {.name = "k8s.rs.name", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "Deprecated and never set: replica set name."},
    {.name = "k8s.rs.id", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "Deprecated and never set: replica set id."},
    {.name = "k8s.rs.label", .type = T::String, .arg = A::Key, .flags = kFieldDottedArg,
     .description = "Deprecated and never set: one replica set label."},
    {.name = "k8s.rs.labels", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "Deprecated and never set: replica set labels."},
    {.name = "k8s.deployment.name", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "Deprecated and never set: deployment name."},
    {.name = "k8s.deployment.id", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "Deprecated and never set: deployment id."},
    {.name = "k8s.deployment.label", .type = T::String, .arg = A::Key, .flags = kFieldDottedArg,
     .description = "Deprecated and never set: one deployment label."},
    {.name = "k8s.deployment.labels", .type = T::String, .arg = A::None, .flags = kFieldNone,
     .description = "Deprecated and never set: deployment labels."},
};
// clang-format on

// Fields Falco defines that saker cannot give Falco's meaning (yet). They stay registered so
// that a rule naming one is rejected with "field 'X' is not supported" (and
// skip-if-unknown-filter skips it, as Falco skips a field it does not know) instead of loading
// and silently never matching. tests/fields/field_support_test.cpp holds this list equal to
// the fields the runtime has no extractor for. Why each one is here: docs/FIELDS.md.
constexpr std::string_view kUnsupported[] = {
    // plugin and meta events: saker has neither
    "evt.pluginname",
    "evt.plugininfo",
    "evt.asynctype",
    // pid-namespace start time: needs the probe to report it
    "proc.pidns_init_start_ts",
    "proc.exe_ino.ctime_duration_pidns_start",
    // overlayfs lower layer: the probe reports only the upper-layer bit
    "proc.is_exe_lower_layer",
    "fd.is_upper_layer",
    "fd.is_lower_layer",
    // the pod's CNI result: the CRI client does not ask for it
    "container.cni.json",
    "k8s.pod.cni.json",
    // healthcheck categories (deprecated in Falco, whose container plugin never sets them)
    "proc.is_container_healthcheck",
    "proc.is_container_liveness_probe",
    "proc.is_container_readiness_probe",
};

// Fields Falco still accepts but whose extractors never give a value (deprecated in its
// container plugin): saker answers the same, so a Falco rules file naming them loads, and the
// checker warns that a condition on one cannot match. Prefixes of names.
constexpr std::string_view kNoValue[] = {
    "container.healthcheck",
    "container.liveness_probe",
    "container.readiness_probe",
    "k8s.rc.",
    "k8s.svc.",
    "k8s.rs.",
    "k8s.deployment.",
    "k8s.ns.id",
    "k8s.ns.label",
    "proc.is_container_", // also unsupported: saker does not assume Falco's constant false
};

constexpr size_t kCount = std::size(kRows);
static_assert(kCount <= 0xffff, "FieldInfo::id is 16 bits wide");

constexpr bool listed_unsupported(std::string_view name) {
    for (std::string_view u : kUnsupported)
        if (u == name) return true;
    return false;
}

// The table as the registry exposes it: a copy of kRows with id = index and the unsupported
// and no-value flags set from kUnsupported and kNoValue.
constexpr std::array<FieldInfo, kCount> number_rows() {
    std::array<FieldInfo, kCount> out{};
    for (size_t i = 0; i < kCount; ++i) {
        out[i] = kRows[i];
        out[i].id = static_cast<uint16_t>(i);
        if (listed_unsupported(out[i].name)) out[i].flags |= kFieldUnsupported;
        for (std::string_view p : kNoValue)
            if (out[i].name.starts_with(p)) out[i].flags |= kFieldNoValue;
    }
    return out;
}
constexpr std::array<FieldInfo, kCount> kFields = number_rows();

// Indexes into kFields, ordered by name: find() is a binary search over it.
constexpr std::array<uint16_t, kCount> sort_by_name() {
    std::array<uint16_t, kCount> idx{};
    for (size_t i = 0; i < kCount; ++i)
        idx[i] = static_cast<uint16_t>(i);
    std::sort(idx.begin(), idx.end(),
              [](uint16_t a, uint16_t b) { return kFields[a].name < kFields[b].name; });
    return idx;
}
constexpr std::array<uint16_t, kCount> kByName = sort_by_name();

// Checks on the table, run by the compiler.
constexpr bool names_unique() {
    for (size_t i = 1; i < kCount; ++i)
        if (kFields[kByName[i - 1]].name == kFields[kByName[i]].name) return false;
    return true;
}
static_assert(names_unique(), "two rows of the field table have the same name");

constexpr bool rows_consistent() {
    for (const FieldInfo& f : kFields) {
        if (f.name.empty() || f.description.empty()) return false;
        // A dotted argument (`evt.arg.flags`) is a name, so the field must take a key.
        if ((f.flags & kFieldDottedArg) && f.arg != A::Key && f.arg != A::OptionalKey &&
            f.arg != A::IndexOrKey)
            return false;
        if (f.name.back() == '.' || f.name.find(' ') != std::string_view::npos) return false;
    }
    return true;
}
static_assert(rows_consistent(), "a row of the field table is malformed");

constexpr bool unsupported_names_known() {
    for (std::string_view u : kUnsupported) {
        bool found = false;
        for (const FieldInfo& f : kRows)
            found = found || f.name == u;
        if (!found) return false;
    }
    return true;
}
static_assert(unsupported_names_known(), "kUnsupported names a field the table does not have");

} // namespace

const FieldRegistry& FieldRegistry::instance() {
    static const FieldRegistry registry;
    return registry;
}

FieldRegistry::FieldRegistry() : fields_(kFields) {}

const FieldInfo* FieldRegistry::find(std::string_view name) const {
    auto it = std::lower_bound(kByName.begin(), kByName.end(), name,
                               [](uint16_t i, std::string_view n) { return kFields[i].name < n; });
    if (it == kByName.end() || kFields[*it].name != name) return nullptr;
    return &fields_[*it];
}

const FieldInfo* FieldRegistry::find_dotted(std::string_view name, std::string_view* arg) const {
    // Try the prefixes that end just before a '.', longest first, so that a field whose name
    // extends another's (`k8s.pod.label` vs. a hypothetical `k8s.pod`) wins.
    for (size_t dot = name.rfind('.'); dot != std::string_view::npos && dot > 0;
         dot = name.rfind('.', dot - 1)) {
        if (dot + 1 == name.size()) continue; // nothing after the dot
        const FieldInfo* f = find(name.substr(0, dot));
        if (f && (f->flags & kFieldDottedArg)) {
            if (arg) *arg = name.substr(dot + 1);
            return f;
        }
    }
    return nullptr;
}

std::string_view field_type_name(FieldType t) {
    switch (t) {
    case T::String:
        return "string";
    case T::Bytes:
        return "bytes";
    case T::Bool:
        return "bool";
    case T::Int8:
        return "int8";
    case T::Int16:
        return "int16";
    case T::Int32:
        return "int32";
    case T::Int64:
        return "int64";
    case T::Uint8:
        return "uint8";
    case T::Uint16:
        return "uint16";
    case T::Uint32:
        return "uint32";
    case T::Uint64:
        return "uint64";
    case T::IpAddr:
        return "ipaddr";
    case T::IpNet:
        return "ipnet";
    case T::Port:
        return "port";
    case T::RelTime:
        return "reltime";
    case T::AbsTime:
        return "abstime";
    }
    return "unknown";
}

// Integer types are those whose values are whole numbers compared numerically: the sized
// integers, ports, and both kinds of time (nanosecond counts).
bool field_type_is_integer(FieldType t) {
    switch (t) {
    case T::Int8:
    case T::Int16:
    case T::Int32:
    case T::Int64:
    case T::Uint8:
    case T::Uint16:
    case T::Uint32:
    case T::Uint64:
    case T::Port:
    case T::RelTime:
    case T::AbsTime:
        return true;
    default:
        return false;
    }
}

bool field_type_is_signed(FieldType t) {
    return t == T::Int8 || t == T::Int16 || t == T::Int32 || t == T::Int64;
}

} // namespace saker
