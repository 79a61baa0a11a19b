/*
 * parse_only: the baseline crm validate is measured against.
 *
 *   parse_only DIR      read every *.yaml file under DIR and run libyaml's
 *                       event parser over it (no tree, no schema): the least
 *                       any YAML validator must do.
 *   parse_only -s DIR   only walk DIR and lstat each *.yaml file: what
 *                       "reading the directory" costs, the floor for a
 *                       validate answered from its cache.
 *
 * Prints the number of files and bytes; exits 1 when a file does not parse.
 * Build: cc -O2 -o parse_only parse_only.c $(pkg-config --cflags --libs yaml-0.1)
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

static int stat_only;
static long files, bad;
static long long bytes;
static char *buf;
static size_t cap;

static int parse(const char *path)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	struct stat st;
	if (fstat(fd, &st) != 0) {
		close(fd);
		return -1;
	}
	if ((size_t)st.st_size + 1 > cap) {
		cap = (size_t)st.st_size + 1;
		buf = realloc(buf, cap);
	}
	size_t len = 0;
	ssize_t n;
	while ((n = read(fd, buf + len, cap - len)) > 0)
		len += (size_t)n;
	close(fd);
	bytes += (long long)len;
	yaml_parser_t p;
	yaml_parser_initialize(&p);
	yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
	int ok = 1;
	for (;;) {
		yaml_event_t e;
		if (!yaml_parser_parse(&p, &e)) {
			ok = 0;
			break;
		}
		int end = e.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&e);
		if (end)
			break;
	}
	yaml_parser_delete(&p);
	return ok ? 0 : -1;
}

static void walk(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		char path[4096];
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		if (de->d_type == DT_DIR) {
			walk(path);
			continue;
		}
		size_t l = strlen(de->d_name);
		if (l < 5 || strcmp(de->d_name + l - 5, ".yaml"))
			continue;
		files++;
		if (stat_only) {
			struct stat st;
			if (lstat(path, &st) == 0)
				bytes += st.st_size;
		} else if (parse(path) != 0) {
			fprintf(stderr, "parse_only: %s does not parse\n", path);
			bad++;
		}
	}
	closedir(d);
}

int main(int argc, char **argv)
{
	int i = 1;
	if (i < argc && !strcmp(argv[i], "-s"))
		stat_only = 1, i++;
	if (i >= argc) {
		fprintf(stderr, "usage: parse_only [-s] DIR\n");
		return 2;
	}
	walk(argv[i]);
	printf("%ld files, %lld bytes\n", files, bytes);
	free(buf);
	return bad ? 1 : 0;
}
