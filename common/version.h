/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * version.h - the one place Meridian's version is written.
 *
 * Every binary prints it for --version, portd puts it in its start-up
 * line; debian/changelog carries the same version in Debian's spelling
 * ("0.1.0-dev" is "0.1.0~dev", so that the release sorts after it), and
 * tests/integration/59-deb.sh checks that every packaged binary prints
 * the package's version.
 */
#ifndef MERIDIAN_COMMON_VERSION_H
#define MERIDIAN_COMMON_VERSION_H

#define MERIDIAN_VERSION "0.1.0-dev"

#endif
