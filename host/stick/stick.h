/* The real-hardware commands (docs/real-hardware.md): make the USB image,
 * write it to a stick, and read the runs back from a stick or an image. */
#ifndef PMULAB_STICK_H
#define PMULAB_STICK_H

extern const char usage_image[], usage_import[], usage_flash[];

int cmd_image(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_flash(int argc, char **argv);

#endif
