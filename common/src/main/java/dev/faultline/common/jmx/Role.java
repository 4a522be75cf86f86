package dev.faultline.common.jmx;

/** What an authenticated JMX user may do: the two roles of the JDK's access file. */
public enum Role {
    /** read attributes and call the read-only operations ({@code list()}) */
    READONLY,
    /** everything Faultline's MBeans offer */
    READWRITE
}
