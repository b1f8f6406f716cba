// SPDX-License-Identifier: Apache-2.0
/*
 * fd.*, fdlist.* and fs.path.* fields. vigil does not track file
 * descriptors yet, so these are registered with libsinsp's types (rules
 * that use them compile and type-check) and extract missing.
 */
#include "fields/fields_util.h"

static const struct vg_field_def fd_defs[] = {
	VG_FIELD_NL("fd.num", S64, NONE, "File descriptor number"),
	VG_FIELD_NL("fd.type", STRING, NONE, "Type: file, directory, ipv4, ipv6, unix, ..."),
	VG_FIELD_NL("fd.typechar", STRING, NONE, "Type as one character: f, 4, 6, u, p, ..."),
	VG_FIELD_NL("fd.name", STRING, NONE, "Full name: path, or a connection tuple"),
	VG_FIELD_NL("fd.uid", STRING, NONE, "Unique id of the descriptor (tid and fd)"),
	VG_FIELD_NL("fd.containername", STRING, NONE, "Container id and fd.name"),
	VG_FIELD_NL("fd.containerdirectory", STRING, NONE, "Container id and fd.directory"),
	VG_FIELD_NL("fd.proto", PORT, NONE, "Protocol number of a socket"),
	VG_FIELD_NL("fd.cproto", STRING, NONE, "Client protocol"),
	VG_FIELD_NL("fd.sproto", STRING, NONE, "Server protocol"),
	VG_FIELD_NL("fd.lproto", STRING, NONE, "Local protocol"),
	VG_FIELD_NL("fd.rproto", STRING, NONE, "Remote protocol"),
	VG_FIELD_NL("fd.directory", STRING, NONE, "Directory of a file descriptor"),
	VG_FIELD_NL("fd.filename", STRING, NONE, "File name without the directory"),
	VG_FIELD_NL("fd.ip", IPADDR, NONE, "Client or server address (either matches)"),
	VG_FIELD_NL("fd.cip", IPADDR, NONE, "Client address"),
	VG_FIELD_NL("fd.sip", IPADDR, NONE, "Server address"),
	VG_FIELD_NL("fd.lip", IPADDR, NONE, "Local address"),
	VG_FIELD_NL("fd.rip", IPADDR, NONE, "Remote address"),
	VG_FIELD_NL("fd.port", PORT, NONE, "Client or server port (either matches)"),
	VG_FIELD_NL("fd.cport", PORT, NONE, "Client port"),
	VG_FIELD_NL("fd.sport", PORT, NONE, "Server port"),
	VG_FIELD_NL("fd.lport", PORT, NONE, "Local port"),
	VG_FIELD_NL("fd.rport", PORT, NONE, "Remote port"),
	VG_FIELD_NL("fd.l4proto", STRING, NONE, "Layer-4 protocol: tcp, udp, icmp, raw"),
	VG_FIELD_NL("fd.sockfamily", STRING, NONE, "Socket family: ip or unix"),
	VG_FIELD_NL("fd.is_server", BOOL, NONE, "The process is the server end"),
	VG_FIELD_NL("fd.net", IPNET, NONE, "Client or server network (either matches)"),
	VG_FIELD_NL("fd.cnet", IPNET, NONE, "Client network"),
	VG_FIELD_NL("fd.snet", IPNET, NONE, "Server network"),
	VG_FIELD_NL("fd.lnet", IPNET, NONE, "Local network"),
	VG_FIELD_NL("fd.rnet", IPNET, NONE, "Remote network"),
	VG_FIELD_NL("fd.connected", BOOL, NONE, "The socket is connected"),
	VG_FIELD_NL("fd.name_changed", BOOL, NONE, "The event changed fd.name"),
	VG_FIELD_NL("fd.cip.name", STRING, NONE, "Domain name of the client address"),
	VG_FIELD_NL("fd.sip.name", STRING, NONE, "Domain name of the server address"),
	VG_FIELD_NL("fd.lip.name", STRING, NONE, "Domain name of the local address"),
	VG_FIELD_NL("fd.rip.name", STRING, NONE, "Domain name of the remote address"),
	VG_FIELD_NL("fd.dev", U64, NONE, "Device number of the file"),
	VG_FIELD_NL("fd.dev.major", U64, NONE, "Major device number"),
	VG_FIELD_NL("fd.dev.minor", U64, NONE, "Minor device number"),
	VG_FIELD_NL("fd.ino", U64, NONE, "Inode number of the file"),
	VG_FIELD_NL("fd.nameraw", STRING, NONE, "fd.name as the process gave it"),
	{"fd.types", VG_FT_STRING, VG_ARG_OPT_INDEX, VG_FF_LIST,
	 "Types of all the event's descriptors (or of the N-th)", NULL},
	VG_FIELD_NL("fd.is_upper_layer", BOOL, NONE, "The file is in an overlayfs upper layer"),
	VG_FIELD_NL("fd.is_lower_layer", BOOL, NONE, "The file is in an overlayfs lower layer"),
};

static const struct vg_field_def fdlist_defs[] = {
	{"fdlist.nums", VG_FT_S64, VG_ARG_NONE, VG_FF_LIST, "Descriptor numbers (poll)", NULL},
	{"fdlist.names", VG_FT_STRING, VG_ARG_NONE, VG_FF_LIST, "Descriptor names (poll)", NULL},
	{"fdlist.cips", VG_FT_IPADDR, VG_ARG_NONE, VG_FF_LIST, "Client addresses (poll)", NULL},
	{"fdlist.sips", VG_FT_IPADDR, VG_ARG_NONE, VG_FF_LIST, "Server addresses (poll)", NULL},
	{"fdlist.cports", VG_FT_PORT, VG_ARG_NONE, VG_FF_LIST, "Client ports (poll)", NULL},
	{"fdlist.sports", VG_FT_PORT, VG_ARG_NONE, VG_FF_LIST, "Server ports (poll)", NULL},
};

static const struct vg_field_def fs_defs[] = {
	VG_FIELD_NL("fs.path.name", STRING, NONE, "Path of a filesystem event"),
	VG_FIELD_NL("fs.path.nameraw", STRING, NONE, "fs.path.name as given"),
	VG_FIELD_NL("fs.path.source", STRING, NONE, "Source path (rename, link)"),
	VG_FIELD_NL("fs.path.sourceraw", STRING, NONE, "Source path as given"),
	VG_FIELD_NL("fs.path.target", STRING, NONE, "Target path (rename, link)"),
	VG_FIELD_NL("fs.path.targetraw", STRING, NONE, "Target path as given"),
};

const struct vg_field_class vg_fields_fd = {
	"fd",
	"File descriptor fields (fd.*), not tracked yet",
	fd_defs,
	VG_FIELDS_COUNT(fd_defs),
};

const struct vg_field_class vg_fields_fdlist = {
	"fdlist",
	"Descriptor lists of poll events (fdlist.*)",
	fdlist_defs,
	VG_FIELDS_COUNT(fdlist_defs),
};

const struct vg_field_class vg_fields_fs = {
	"fs.path",
	"Filesystem paths of file events (fs.path.*)",
	fs_defs,
	VG_FIELDS_COUNT(fs_defs),
};
